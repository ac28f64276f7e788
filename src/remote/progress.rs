//! Progress of a transfer on a terminal: one line on stderr per task of
//! gix's fetch ("Receiving objects: 1234/5678"), redrawn at most ten times a
//! second and finished with a newline. gix reports through prodash's traits;
//! prodash's own renderers would bring a terminal library along, and a
//! single line is all a fetch needs.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gix::progress::{Id, MessageLevel, Step, StepShared, Unit};

/// One task's line.
pub(crate) struct Line {
    name: String,
    max: Option<Step>,
    unit: Option<Unit>,
    step: StepShared,
    shown: Arc<Mutex<Option<Instant>>>,
    /// Shared by a task and its children: whether any line was drawn, so
    /// the root ends it with a newline.
    drawn: Arc<AtomicBool>,
    root: bool,
}

impl Line {
    pub(crate) fn new(name: impl Into<String>) -> Line {
        Line::with(name.into(), Arc::new(AtomicBool::new(false)), true)
    }

    fn with(name: String, drawn: Arc<AtomicBool>, root: bool) -> Line {
        Line {
            name,
            max: None,
            unit: None,
            step: Default::default(),
            shown: Arc::new(Mutex::new(None)),
            drawn,
            root,
        }
    }

    fn child(&self, name: impl Into<String>) -> Line {
        Line::with(name.into(), self.drawn.clone(), false)
    }

    fn draw(&self, force: bool) {
        let Ok(mut shown) = self.shown.lock() else { return };
        let now = Instant::now();
        if !force && shown.is_some_and(|t| now - t < Duration::from_millis(100)) {
            return;
        }
        *shown = Some(now);
        self.drawn.store(true, Ordering::Relaxed);
        let step = self.step.load(Ordering::Relaxed);
        let value = match &self.unit {
            Some(unit) => unit.display(step, self.max, None).to_string(),
            None => match self.max {
                Some(max) => format!("{step}/{max}"),
                None => step.to_string(),
            },
        };
        let _ = write!(std::io::stderr(), "\r{}: {value}\x1b[K", self.name);
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        if self.root && self.drawn.load(Ordering::Relaxed) {
            let _ = writeln!(std::io::stderr());
        }
    }
}

impl gix::progress::Count for Line {
    fn set(&self, step: Step) {
        self.step.store(step, Ordering::Relaxed);
        self.draw(false);
    }
    fn step(&self) -> Step {
        self.step.load(Ordering::Relaxed)
    }
    fn inc_by(&self, step: Step) {
        self.step.fetch_add(step, Ordering::Relaxed);
        self.draw(false);
    }
    fn counter(&self) -> StepShared {
        self.step.clone()
    }
}

impl gix::progress::Progress for Line {
    fn init(&mut self, max: Option<Step>, unit: Option<Unit>) {
        self.max = max;
        self.unit = unit;
    }
    fn set_name(&mut self, name: String) {
        self.name = name;
    }
    fn name(&self) -> Option<String> {
        Some(self.name.clone())
    }
    fn id(&self) -> Id {
        *b"LINE"
    }
    fn message(&self, level: MessageLevel, message: String) {
        if level == MessageLevel::Failure {
            let _ = writeln!(std::io::stderr(), "\r{}: {message}\x1b[K", self.name);
        }
    }
}

impl gix::progress::NestedProgress for Line {
    type SubProgress = Line;
    fn add_child(&mut self, name: impl Into<String>) -> Line {
        self.child(name)
    }
    fn add_child_with_id(&mut self, name: impl Into<String>, _id: Id) -> Line {
        self.child(name)
    }
}
