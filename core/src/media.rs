//! Content negotiation for answers, as Confluent's server does it: the API produces
//! `application/vnd.schemaregistry.v1+json` (quality 1), `application/vnd.schemaregistry+json`
//! (0.9) and `application/json` (0.5); each is weighed by the `q` of the most specific `Accept`
//! range that matches it, and the best wins. No `Accept` is the registry's own type; an `Accept`
//! that matches none of them is 406.

/// The registry's own type, the default answer.
pub const V1_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// The content types the API answers in, best first.
pub const PRODUCED_TYPES: [&str; 3] = [PRODUCED[0].0, PRODUCED[1].0, PRODUCED[2].0];

/// What the API can produce, best first, with its source quality.
const PRODUCED: [(&str, f32); 3] = [
    (V1_JSON, 1.0),
    ("application/vnd.schemaregistry+json", 0.9),
    ("application/json", 0.5),
];

/// The content type to answer with for an `Accept` header, or `None` when none is acceptable.
pub fn negotiate(accept: Option<&str>) -> Option<&'static str> {
    let accept = match accept.map(str::trim) {
        None | Some("" | "*/*") => return Some(V1_JSON),
        Some(a) if a.eq_ignore_ascii_case(V1_JSON) => return Some(V1_JSON),
        Some(a) => a,
    };
    let ranges: Vec<Range> = accept.split(',').filter_map(Range::parse).collect();
    let mut best: Option<(&'static str, f32)> = None;
    for (produced, quality) in PRODUCED {
        let Some(q) = best_match(&ranges, produced) else {
            continue;
        };
        let score = q * quality;
        if score > 0.0 && best.is_none_or(|(_, s)| score > s) {
            best = Some((produced, score));
        }
    }
    best.map(|(t, _)| t)
}

/// One media range of an `Accept` header.
struct Range {
    kind: String,
    subtype: String,
    q: f32,
}

impl Range {
    fn parse(item: &str) -> Option<Self> {
        let mut parts = item.split(';');
        let essence = parts.next()?.trim().to_ascii_lowercase();
        let (kind, subtype) = essence.split_once('/')?;
        let mut q = 1.0;
        for param in parts {
            if let Some((name, value)) = param.split_once('=')
                && name.trim().eq_ignore_ascii_case("q")
            {
                q = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|q: &f32| (0.0..=1.0).contains(q))?;
            }
        }
        Some(Self {
            kind: kind.trim().to_owned(),
            subtype: subtype.trim().to_owned(),
            q,
        })
    }

    /// How specifically the range matches `kind/subtype`: 2 exact, 1 `kind/*`, 0 `*/*`.
    fn specificity(&self, kind: &str, subtype: &str) -> Option<u8> {
        match (self.kind.as_str(), self.subtype.as_str()) {
            ("*", "*") => Some(0),
            (k, "*") if k == kind => Some(1),
            (k, s) if k == kind && s == subtype => Some(2),
            _ => None,
        }
    }
}

/// The `q` of the most specific range matching `produced`.
fn best_match(ranges: &[Range], produced: &str) -> Option<f32> {
    let (kind, subtype) = produced.split_once('/')?;
    ranges
        .iter()
        .filter_map(|r| r.specificity(kind, subtype).map(|s| (s, r.q)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, q)| q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_type_unless_asked_otherwise() {
        assert_eq!(negotiate(None), Some(V1_JSON));
        assert_eq!(negotiate(Some("*/*")), Some(V1_JSON));
        assert_eq!(negotiate(Some("application/*")), Some(V1_JSON));
        assert_eq!(
            negotiate(Some("application/json")),
            Some("application/json")
        );
        assert_eq!(
            negotiate(Some("application/vnd.schemaregistry+json")),
            Some("application/vnd.schemaregistry+json")
        );
    }

    #[test]
    fn weights_decide() {
        // 0.9 x 0.9 beats 1 x 0.5.
        assert_eq!(
            negotiate(Some(
                "application/json, application/vnd.schemaregistry+json; q=0.9"
            )),
            Some("application/vnd.schemaregistry+json")
        );
        // A low-weighted wildcard loses to plain JSON.
        assert_eq!(
            negotiate(Some("application/json, */*; q=0.1")),
            Some("application/json")
        );
        // q=0 refuses a type.
        assert_eq!(negotiate(Some("application/json; q=0, */*")), Some(V1_JSON));
    }

    #[test]
    fn nothing_acceptable() {
        assert_eq!(negotiate(Some("text/html")), None);
        assert_eq!(negotiate(Some("application/xml, text/*")), None);
        assert_eq!(negotiate(Some("application/json; q=0")), None);
    }
}
