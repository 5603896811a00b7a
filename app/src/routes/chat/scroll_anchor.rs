//! Keeps the message the reader is looking at in place while older messages are added above
//! it.
//!
//! Restoring the offset from the growth of `scrollHeight` is not enough: messages off screen
//! are laid out at an estimated height (`content-visibility: auto` in the style sheet) and
//! take their real one when the browser first renders them, which it does for those just
//! above the view in the frames after they arrive. So the correction is measured on the
//! message itself, and repeated frame by frame until the ones above it have settled.

/// The page has settled when the message and the scroll offset stayed put this many frames.
#[cfg(feature = "hydrate")]
const STILL_FRAMES: u8 = 3;
/// The most frames spent settling (about a second), whatever happens.
#[cfg(feature = "hydrate")]
const MAX_FRAMES: u8 = 60;

/// Where the oldest message shown sat in the scrolling list.
pub struct ScrollAnchor {
    #[cfg(feature = "hydrate")]
    scroller: web_sys::HtmlElement,
    #[cfg(feature = "hydrate")]
    message: web_sys::Element,
    #[cfg(feature = "hydrate")]
    top: f64,
}

impl ScrollAnchor {
    /// Notes where the first message in `scroller` is; `None` before there is one (and
    /// always on the server, where nothing scrolls).
    pub fn take(scroller: &leptos::web_sys::HtmlElement) -> Option<Self> {
        #[cfg(feature = "hydrate")]
        {
            let message = scroller.query_selector(".message-list > li").ok()??;
            let top = message.get_bounding_client_rect().top();
            Some(Self {
                scroller: scroller.clone(),
                message,
                top,
            })
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = scroller;
            None
        }
    }

    /// From the next animation frame on, once the new messages are in the page: scrolls so
    /// that the noted message is back where it was, until it stays there.
    pub fn restore(self) {
        #[cfg(feature = "hydrate")]
        self.settle(MAX_FRAMES, 0, None);
    }

    /// One frame of settling: `still` frames so far without any movement, `offset` the
    /// scroll offset this left the frame before.
    #[cfg(feature = "hydrate")]
    fn settle(self, frames_left: u8, still: u8, offset: Option<i32>) {
        use leptos::prelude::request_animation_frame;
        request_animation_frame(move || {
            let moved = self.message.get_bounding_client_rect().top() - self.top;
            #[allow(clippy::cast_possible_truncation)] // pixel offsets fit an i32
            let moved = moved.round() as i32;
            let at = self.scroller.scroll_top();
            if moved != 0 {
                // The message moved with the offset changed under us: the reader scrolled
                // (the browser's own anchoring moves the offset, not the message).
                if offset.is_some_and(|o| o != at) {
                    return;
                }
                self.scroller.set_scroll_top(at + moved);
            }
            let now = self.scroller.scroll_top();
            let still = if moved == 0 && offset == Some(now) {
                still + 1
            } else {
                0
            };
            if still < STILL_FRAMES {
                if let Some(left) = frames_left.checked_sub(1) {
                    self.settle(left, still, Some(now));
                }
            }
        });
    }
}
