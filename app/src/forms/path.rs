//! Reading and writing a draft's JSON by the dotted paths the domain reports errors at
//! (`owner.full_name`, `members[1].id`, `seat.address.commune`).

use serde_json::{Map, Value};

/// One step of a path: an object key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// `name`
    Key(String),
    /// `[3]`
    Index(usize),
}

/// Splits `a.b[2].c` into its segments; an empty path is the root.
#[must_use]
pub fn segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = part.find('[').map_or((part, ""), |i| part.split_at(i));
        if !key.is_empty() {
            out.push(Segment::Key(key.to_owned()));
        }
        while let Some(close) = rest.find(']') {
            if let Ok(i) = rest[1..close].parse() {
                out.push(Segment::Index(i));
            }
            rest = &rest[close + 1..];
        }
    }
    out
}

/// The value at a path, if any.
#[must_use]
pub fn get<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    segments(path)
        .iter()
        .try_fold(root, |value, segment| match segment {
            Segment::Key(k) => value.get(k),
            Segment::Index(i) => value.get(i),
        })
}

/// The text at a path as an input shows it: strings as they are, numbers as digits, anything else empty.
#[must_use]
pub fn text(root: &Value, path: &str) -> String {
    match get(root, path) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Whether the flag at a path is set (`true` or `"true"`).
#[must_use]
pub fn flag(root: &Value, path: &str) -> bool {
    match get(root, path) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

/// The list at a path (empty when missing or not a list).
#[must_use]
pub fn list<'a>(root: &'a Value, path: &str) -> &'a [Value] {
    get(root, path)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Whether an object is present at a path (the change form marks a chosen section this way).
#[must_use]
pub fn has_object(root: &Value, path: &str) -> bool {
    get(root, path).is_some_and(Value::is_object)
}

/// Sets the value at a path, creating objects and lists on the way; `None` removes it. Removing the last
/// key of an object removes the object too, unless `keep` says that object's presence means something.
pub fn set(root: &mut Value, path: &str, value: Option<Value>, keep: &dyn Fn(&str) -> bool) {
    let segs = segments(path);
    if segs.is_empty() {
        if let Some(v) = value {
            *root = v;
        }
        return;
    }
    match value {
        Some(v) => {
            let slot = slot(root, &segs);
            *slot = v;
        }
        None => {
            remove(root, &segs);
            prune(root, &segs[..segs.len() - 1], keep);
        }
    }
}

fn slot<'a>(root: &'a mut Value, segs: &[Segment]) -> &'a mut Value {
    let mut cur = root;
    for seg in segs {
        cur = match seg {
            Segment::Key(k) => {
                if !cur.is_object() {
                    *cur = Value::Object(Map::new());
                }
                let Value::Object(map) = cur else {
                    unreachable!("made an object above")
                };
                map.entry(k.clone()).or_insert(Value::Null)
            }
            Segment::Index(i) => {
                if !cur.is_array() {
                    *cur = Value::Array(Vec::new());
                }
                let Value::Array(items) = cur else {
                    unreachable!("made a list above")
                };
                while items.len() <= *i {
                    items.push(Value::Object(Map::new()));
                }
                &mut items[*i]
            }
        };
    }
    cur
}

fn remove(root: &mut Value, segs: &[Segment]) {
    let Some((last, parents)) = segs.split_last() else {
        return;
    };
    let mut cur = root;
    for seg in parents {
        let next = match seg {
            Segment::Key(k) => cur.get_mut(k.as_str()),
            Segment::Index(i) => cur.get_mut(*i),
        };
        let Some(next) = next else { return };
        cur = next;
    }
    match (last, cur) {
        (Segment::Key(k), Value::Object(map)) => {
            map.remove(k);
        }
        (Segment::Index(i), Value::Array(items)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}

/// Removes now-empty objects along `segs`, deepest first, but not list rows and not kept objects.
fn prune(root: &mut Value, segs: &[Segment], keep: &dyn Fn(&str) -> bool) {
    for depth in (1..=segs.len()).rev() {
        let prefix = &segs[..depth];
        if matches!(prefix.last(), Some(Segment::Index(_))) {
            return;
        }
        let path = join(prefix);
        let empty = get(root, &path).is_some_and(|v| v.as_object().is_some_and(Map::is_empty));
        if !empty || keep(&path) {
            return;
        }
        remove(root, prefix);
    }
}

/// Writes segments back as a path.
#[must_use]
pub fn join(segs: &[Segment]) -> String {
    let mut out = String::new();
    for seg in segs {
        match seg {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Whether `path` is `prefix` itself or lies inside it (`owner` contains `owner.id`, `members` contains
/// `members[2].id`, but `owner` does not contain `owners`).
#[must_use]
pub fn within(path: &str, prefix: &str) -> bool {
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// An element id for a field's path (`members[1].id` → `f-members-1-id`).
#[must_use]
pub fn dom_id(path: &str) -> String {
    let mut id = String::from("f-");
    for c in path.chars() {
        match c {
            '.' | '[' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn never(_: &str) -> bool {
        false
    }

    #[test]
    fn paths_split_and_join() {
        let segs = segments("members[12].address.street");
        assert_eq!(
            segs,
            [
                Segment::Key("members".into()),
                Segment::Index(12),
                Segment::Key("address".into()),
                Segment::Key("street".into())
            ]
        );
        assert_eq!(join(&segs), "members[12].address.street");
        assert!(segments("").is_empty());
    }

    #[test]
    fn set_creates_and_get_reads() {
        let mut v = json!({});
        set(&mut v, "owner.full_name", Some(json!("An")), &never);
        set(&mut v, "members[1].id", Some(json!("0511")), &never);
        assert_eq!(text(&v, "owner.full_name"), "An");
        assert_eq!(text(&v, "members[1].id"), "0511");
        assert_eq!(list(&v, "members").len(), 2);
        assert_eq!(text(&v, "nothing.here"), "");
    }

    #[test]
    fn removing_the_last_key_prunes_empty_objects_unless_kept() {
        let mut v =
            json!({"tax": {"notice_address": {"street": "1"}}, "change_name": {"foreign": "X"}});
        set(&mut v, "tax.notice_address.street", None, &never);
        assert_eq!(v.get("tax"), None, "an emptied optional block disappears");
        set(&mut v, "change_name.foreign", None, &|p| p == "change_name");
        assert_eq!(v["change_name"], json!({}), "a chosen section stays chosen");
        let mut rows = json!({"members": [{"id": "1"}]});
        set(&mut rows, "members[0].id", None, &never);
        assert_eq!(
            rows["members"],
            json!([{}]),
            "a row is removed only on purpose"
        );
        set(&mut rows, "members[0]", None, &never);
        assert_eq!(rows["members"], json!([]));
    }

    #[test]
    fn within_respects_segment_boundaries() {
        assert!(within("owner.id", "owner"));
        assert!(within("members[2].id", "members"));
        assert!(within("owner", "owner"));
        assert!(!within("owners", "owner"));
        assert!(within("anything", ""));
        assert_eq!(dom_id("members[1].id"), "f-members-1-id");
    }
}
