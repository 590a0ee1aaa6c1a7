//! The JS side of [`crate::scheduler`]: one queue per API key in this JS realm, shared by every
//! client created with that key (and base URL), so two clients of one portal or script draw on
//! one budget and never have two requests in flight unless `maxConcurrency` says so.
//!
//! Each attempt takes a [`Turn`]: it queues a ticket, waits for the scheduler to start it (or
//! for the caller's signal: then the ticket leaves the queue unsent), and finishes it when
//! dropped. `pump` asks the scheduler what may start whenever something changed, resolves
//! those tickets' promises, and sets one timer for the next wake-up.

use crate::error::{Error, ErrorKind, Result};
use crate::ratelimit::Limit;
use crate::scheduler::{Finish, Scheduler, Ticket};
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &JsValue, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// One key's queue.
pub struct Queue {
    sched: RefCell<Scheduler>,
    /// The resolve function of each waiting ticket's promise (a few at a time: a Vec, not a
    /// HashMap, whose hashing code costs the wasm several KB).
    wakers: RefCell<Vec<(Ticket, Function)>>,
    /// The pending wake-up timer, if any.
    timer: RefCell<Option<JsValue>>,
    me: Weak<Queue>,
}

thread_local! {
    static QUEUES: RefCell<Vec<(String, Weak<Queue>)>> = const { RefCell::new(Vec::new()) };
}

/// The queue shared by clients with `id` (the key and base URL), made with these settings by
/// the first of them; a later client can only lower its concurrency.
pub fn shared(id: &str, max_concurrency: usize, limits: Vec<Limit>) -> Rc<Queue> {
    QUEUES.with(|qs| {
        let mut qs = qs.borrow_mut();
        qs.retain(|(_, q)| q.strong_count() > 0);
        if let Some(q) = qs
            .iter()
            .find(|(k, _)| k == id)
            .and_then(|(_, q)| q.upgrade())
        {
            q.sched.borrow_mut().tighten(max_concurrency);
            return q;
        }
        let q = Rc::new_cyclic(|me| Queue {
            sched: RefCell::new(Scheduler::new(max_concurrency, limits)),
            wakers: RefCell::new(Vec::new()),
            timer: RefCell::new(None),
            me: me.clone(),
        });
        qs.push((id.to_owned(), Rc::downgrade(&q)));
        q
    })
}

/// A started request's place in the queue; dropping it finishes the request.
pub struct Turn {
    queue: Rc<Queue>,
    ticket: Ticket,
    how: Finish,
}

impl Turn {
    /// The request got a 429: when this turn ends, the whole queue pauses `wait_ms`.
    pub fn rate_limited(&mut self, wait_ms: f64) {
        self.how = Finish::RateLimited { wait_ms };
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Ok(mut s) = self.queue.sched.try_borrow_mut() {
            s.finish(self.ticket, now_ms(), self.how);
        }
        self.queue.pump();
    }
}

fn aborted() -> Error {
    Error::new(ErrorKind::Aborted, "the call was aborted")
}

impl Queue {
    /// Waits for a turn: at the back of the queue, or at the front for a retry. Fails with
    /// `aborted` (the ticket leaves the queue unsent) when `signal` fires first.
    pub async fn turn(&self, retry: bool, signal: Option<&AbortSignal>) -> Result<Turn> {
        if signal.is_some_and(|s| s.aborted()) {
            return Err(aborted());
        }
        let Some(me) = self.me.upgrade() else {
            return Err(aborted());
        };
        let ticket = {
            let mut s = self.sched.borrow_mut();
            if retry {
                s.enqueue_retry()
            } else {
                s.enqueue()
            }
        };
        let mut on_abort: Option<Closure<dyn FnMut()>> = None;
        let promise = Promise::new(&mut |resolve, reject| {
            self.wakers.borrow_mut().push((ticket, resolve));
            if let Some(s) = signal {
                let cb = Closure::once(move || {
                    let _ = reject.call0(&JsValue::UNDEFINED);
                });
                let _ = s.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
                on_abort = Some(cb);
            }
        });
        self.pump();
        let waited = JsFuture::from(promise).await;
        if let (Some(s), Some(cb)) = (signal, &on_abort) {
            let _ = s.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
        }
        self.wakers.borrow_mut().retain(|(t, _)| *t != ticket);
        if waited.is_err() {
            // Aborted while waiting: out of the queue, unsent. (If it had just been started,
            // finish it at once.)
            if self.sched.borrow_mut().cancel(ticket) {
                self.pump();
            } else {
                drop(Turn {
                    queue: me,
                    ticket,
                    how: Finish::Done,
                });
            }
            return Err(aborted());
        }
        Ok(Turn {
            queue: me,
            ticket,
            how: Finish::Done,
        })
    }

    /// Starts what may start now, and sets the timer for the next wake-up.
    fn pump(&self) {
        let p = match self.sched.try_borrow_mut() {
            Ok(mut s) => s.poll(now_ms()),
            Err(_) => return,
        };
        for t in &p.start {
            let resolve = {
                let mut w = self.wakers.borrow_mut();
                w.iter()
                    .position(|(x, _)| x == t)
                    .map(|i| w.swap_remove(i).1)
            };
            if let Some(resolve) = resolve {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        }
        if let Some(old) = self.timer.borrow_mut().take() {
            clear_timeout(&old);
        }
        if let Some(ms) = p.wake_in_ms {
            let me = self.me.clone();
            let cb = Closure::once_into_js(move || {
                if let Some(q) = me.upgrade() {
                    q.timer.borrow_mut().take();
                    q.pump();
                }
            });
            *self.timer.borrow_mut() = Some(set_timeout(&cb, ms.max(0.0)));
        }
    }

    /// When the current 429 cooldown ends, if one is running.
    pub fn cooldown_ends(&self) -> Option<f64> {
        self.sched.borrow().cooldown_ends(now_ms())
    }
}
