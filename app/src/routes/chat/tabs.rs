//! Open chats as tabs, kept in the URL (`?tabs=<id>,<id>&chat=<id>`) so they survive a
//! reload and can be bookmarked or shared with oneself. No active chat means a new one is
//! being written (`chat=new` while other tabs are open); it is stored once it is sent.

use uuid::Uuid;

/// At most this many tabs stay open; opening another closes the oldest inactive one.
pub const MAX_TABS: usize = 8;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tabs {
    pub open: Vec<Uuid>,
    /// `None`: the new chat is in front.
    pub active: Option<Uuid>,
}

/// The `chat=` value for the new chat.
const NEW: &str = "new";

impl Tabs {
    /// Reads the query values; unknown or repeated ids are dropped, and an active chat that
    /// is not among the tabs is opened.
    pub fn parse(tabs: Option<&str>, active: Option<&str>) -> Self {
        let mut open: Vec<Uuid> = Vec::new();
        for id in tabs.unwrap_or_default().split(',') {
            if let Ok(id) = Uuid::parse_str(id.trim()) {
                if !open.contains(&id) && open.len() < MAX_TABS {
                    open.push(id);
                }
            }
        }
        let mut parsed = Self { open, active: None };
        if active.is_some_and(|a| a.trim() == NEW) {
            return parsed;
        }
        if let Some(id) = active.and_then(|a| Uuid::parse_str(a.trim()).ok()) {
            parsed = parsed.opened(id);
        } else {
            parsed.active = parsed.open.first().copied();
        }
        parsed
    }

    /// Reads a query string as written by `query`.
    pub fn from_query(query: &str) -> Self {
        let value = |name: &str| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
        };
        Self::parse(value("tabs"), value("chat"))
    }

    /// The query string for these tabs (without `?`).
    pub fn query(&self) -> String {
        let tabs: Vec<String> = self.open.iter().map(Uuid::to_string).collect();
        match self.active {
            Some(active) => format!("tabs={}&chat={active}", tabs.join(",")),
            None if tabs.is_empty() => String::new(),
            None => format!("tabs={}&chat={NEW}", tabs.join(",")),
        }
    }

    /// Opens (or switches to) `id`.
    pub fn opened(mut self, id: Uuid) -> Self {
        if !self.open.contains(&id) {
            if self.open.len() >= MAX_TABS {
                if let Some(pos) = self.open.iter().position(|t| Some(*t) != self.active) {
                    self.open.remove(pos);
                }
            }
            self.open.push(id);
        }
        self.active = Some(id);
        self
    }

    /// Puts the new chat in front, keeping the tabs.
    pub fn drafting(mut self) -> Self {
        self.active = None;
        self
    }

    /// Closes `id`; when it was active, its neighbour becomes active.
    pub fn closed(mut self, id: Uuid) -> Self {
        let Some(pos) = self.open.iter().position(|t| *t == id) else {
            return self;
        };
        self.open.remove(pos);
        if self.active == Some(id) {
            self.active = self
                .open
                .get(pos)
                .or_else(|| self.open.get(pos.wrapping_sub(1)))
                .copied();
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<Uuid> {
        (0..n).map(|_| Uuid::new_v4()).collect()
    }

    #[test]
    fn round_trips_through_the_query() {
        let [a, b] = ids(2)[..] else { unreachable!() };
        let tabs = Tabs::default().opened(a).opened(b).opened(a);
        assert_eq!(tabs.open, vec![a, b]);
        assert_eq!(tabs.active, Some(a));
        assert_eq!(Tabs::from_query(&tabs.query()), tabs);
    }

    #[test]
    fn the_new_chat_keeps_the_tabs_through_the_query() {
        let [a, b] = ids(2)[..] else { unreachable!() };
        let tabs = Tabs::default().opened(a).opened(b).drafting();
        assert_eq!(tabs.active, None);
        let query = tabs.query();
        assert_eq!(query, format!("tabs={a},{b}&chat=new"));
        assert_eq!(Tabs::from_query(&query), tabs);
        assert_eq!(Tabs::default().drafting().query(), "");
    }

    #[test]
    fn ignores_garbage_and_duplicates() {
        let a = Uuid::new_v4();
        let tabs = Tabs::parse(Some(&format!("x,{a},{a},<script>")), Some("nope"));
        assert_eq!(tabs.open, vec![a]);
        assert_eq!(tabs.active, Some(a));
        assert_eq!(Tabs::parse(None, None), Tabs::default());
        assert_eq!(Tabs::default().query(), "");
    }

    #[test]
    fn an_active_chat_outside_the_tabs_is_opened() {
        let [a, b] = ids(2)[..] else { unreachable!() };
        let tabs = Tabs::parse(Some(&a.to_string()), Some(&b.to_string()));
        assert_eq!(tabs.open, vec![a, b]);
        assert_eq!(tabs.active, Some(b));
    }

    #[test]
    fn closing_the_active_tab_activates_a_neighbour() {
        let [a, b, c] = ids(3)[..] else {
            unreachable!()
        };
        let tabs = Tabs::default().opened(a).opened(b).opened(c).opened(b);
        let tabs = tabs.closed(b);
        assert_eq!(tabs.open, vec![a, c]);
        assert_eq!(tabs.active, Some(c));
        let tabs = tabs.closed(c);
        assert_eq!(tabs.active, Some(a));
        assert_eq!(tabs.closed(a), Tabs::default());
    }

    #[test]
    fn keeps_at_most_max_tabs_and_never_drops_the_active_one() {
        let many = ids(MAX_TABS + 2);
        let mut tabs = Tabs::default().opened(many[0]);
        for id in &many[1..] {
            tabs = tabs.opened(*id);
        }
        assert_eq!(tabs.open.len(), MAX_TABS);
        assert_eq!(tabs.active, many.last().copied());
        assert!(tabs.open.contains(&many[MAX_TABS + 1]));
        assert!(!tabs.open.contains(&many[0]));
    }
}
