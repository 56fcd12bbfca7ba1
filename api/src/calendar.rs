//! Calendar entries for pledges: an RFC 5545 iCalendar file and a Google Calendar link.

use crate::week::civil_from_days;

/// An event to add to a calendar. Times are milliseconds since the epoch, written in UTC.
pub struct Event<'a> {
    /// Globally unique and stable: the same pledge always gives the same UID, so importing
    /// twice updates rather than duplicates.
    pub uid: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub location: Option<&'a str>,
    pub url: &'a str,
    pub start_ms: i64,
    /// Defaults to one hour after the start.
    pub end_ms: Option<i64>,
}

/// `20261006T110000Z`
pub fn utc_stamp(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// RFC 5545 TEXT escaping.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets (never inside a UTF-8 character), CRLF-ended.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// The `.ics` file of one event.
pub fn ics(e: &Event, now_ms: i64) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Rally//Pledge//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
    ] {
        line(&mut out, l);
    }
    line(&mut out, &format!("UID:{}", text(e.uid)));
    line(&mut out, &format!("DTSTAMP:{}", utc_stamp(now_ms)));
    line(&mut out, &format!("DTSTART:{}", utc_stamp(e.start_ms)));
    line(
        &mut out,
        &format!(
            "DTEND:{}",
            utc_stamp(e.end_ms.unwrap_or(e.start_ms + 3_600_000))
        ),
    );
    line(&mut out, &format!("SUMMARY:{}", text(e.title)));
    line(
        &mut out,
        &format!(
            "DESCRIPTION:{}",
            text(&format!("{}\n\n{}", e.description, e.url))
        ),
    );
    if let Some(l) = e.location {
        line(&mut out, &format!("LOCATION:{}", text(l)));
    }
    line(&mut out, &format!("URL:{}", e.url));
    line(&mut out, "END:VEVENT");
    line(&mut out, "END:VCALENDAR");
    out
}

/// Percent-encoding for a URL query value.
fn query(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A link that opens Google Calendar's "add event" form, filled in.
pub fn google_link(e: &Event) -> String {
    let end = e.end_ms.unwrap_or(e.start_ms + 3_600_000);
    let mut url = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}&details={}",
        query(e.title),
        utc_stamp(e.start_ms),
        utc_stamp(end),
        query(&format!("{}\n\n{}", e.description, e.url)),
    );
    if let Some(l) = e.location {
        url.push_str(&format!("&location={}", query(l)));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event<'static> {
        Event {
            uid: "pledge-7@rally.example.org",
            title: "I will vote on 6 October; bring a friend, too",
            description: "Polls open 8:00–17:00.\nBring your ID\\card.",
            location: Some("Escola Estadual, Rua Augusta 1, São Paulo"),
            url: "https://rally.example.org/p/demo/vote",
            start_ms: 1_791_284_400_000, // 2026-10-06T11:00:00Z
            end_ms: None,
        }
    }

    #[test]
    fn stamps() {
        let cases = [
            (0, "19700101T000000Z"),
            (1_791_284_400_000, "20261006T110000Z"),
            (1_795_250_000_999, "20261121T083320Z"),
            (-1_000, "19691231T235959Z"),
        ];
        for (ms, want) in cases {
            assert_eq!(utc_stamp(ms), want);
        }
    }

    #[test]
    fn ics_is_well_formed() {
        let f = ics(&event(), 1_795_250_000_000);
        assert!(f.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(f.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(
            !f.replace("\r\n", "").contains('\n'),
            "only CRLF line breaks"
        );
        for l in f.split("\r\n") {
            assert!(l.len() <= 75, "folded: {l:?}");
        }
        let unfolded = f.replace("\r\n ", "");
        assert!(unfolded.contains("DTSTART:20261006T110000Z\r\nDTEND:20261006T120000Z\r\n"));
        assert!(unfolded.contains("SUMMARY:I will vote on 6 October\\; bring a friend\\, too\r\n"));
        assert!(unfolded.contains("DESCRIPTION:Polls open 8:00–17:00.\\nBring your ID\\\\card.\\n\\nhttps://rally.example.org/p/demo/vote\r\n"));
        assert!(unfolded.contains("LOCATION:Escola Estadual\\, Rua Augusta 1\\, São Paulo\r\n"));
        assert!(unfolded.contains("UID:pledge-7@rally.example.org\r\n"));
    }

    #[test]
    fn folding_never_splits_a_character() {
        let long = "ação ".repeat(40);
        let e = Event {
            title: &long,
            ..event()
        };
        let f = ics(&e, 0);
        for l in f.split("\r\n") {
            assert!(l.len() <= 75);
            assert!(std::str::from_utf8(l.as_bytes()).is_ok());
        }
        assert!(f.replace("\r\n ", "").contains(&format!("SUMMARY:{long}")));
    }

    #[test]
    fn google_link_is_filled_in() {
        let l = google_link(&event());
        assert!(l.starts_with(
            "https://calendar.google.com/calendar/render?action=TEMPLATE&text=I%20will%20vote"
        ));
        assert!(l.contains("&dates=20261006T110000Z/20261006T120000Z&"));
        assert!(
            l.contains("&location=Escola%20Estadual%2C%20Rua%20Augusta%201%2C%20S%C3%A3o%20Paulo")
        );
    }
}
