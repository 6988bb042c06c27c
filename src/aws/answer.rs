//! An answer cut short is not an answer. The SDK's XML reader (IAM, STS, SNS, S3, CloudWatch's
//! query errors) stops quietly where the bytes end, so half of a `ListSubscriptionsByTopic`
//! reads as a shorter list: a proxy or an emulator that cuts an answer would be believed. This
//! interceptor, on every client, refuses a successful XML answer whose root element is not
//! closed; the call then fails as any unparseable answer does (an advisory read becomes a
//! `check-skipped`, a required one the command's error). JSON answers need no such check:
//! their parser fails on a cut document by itself.

use aws_sdk_sts::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sts::error::BoxError;

/// Refuses an XML answer that ends before its root element does.
#[derive(Clone, Copy, Debug, Default)]
pub struct WholeAnswer;

impl Intercept for WholeAnswer {
    fn name(&self) -> &'static str {
        "sqs-trigger whole answer"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        let xml = response.headers().get("content-type").is_some_and(|t| t.contains("xml"));
        if !response.status().is_success() || !xml {
            return Ok(());
        }
        match response.body().bytes() {
            Some(body) if !xml_is_whole(body) => {
                Err("the answer ends before its XML document does (cut short on the way)".into())
            }
            _ => Ok(()),
        }
    }
}

/// Whether an XML document's root element is closed at its end (`<A>…</A>` or `<A/>`), after
/// the declaration, comments and whitespace. An empty body is whole (some operations answer
/// nothing).
pub fn xml_is_whole(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let mut rest = text.trim();
    if rest.is_empty() {
        return true;
    }
    // Skip the declaration, processing instructions and comments before the root.
    loop {
        if let Some(after) = rest.strip_prefix("<?") {
            match after.find("?>") {
                Some(end) => rest = after[end + 2..].trim_start(),
                None => return false,
            }
        } else if let Some(after) = rest.strip_prefix("<!--") {
            match after.find("-->") {
                Some(end) => rest = after[end + 3..].trim_start(),
                None => return false,
            }
        } else {
            break;
        }
    }
    let Some(open) = rest.strip_prefix('<') else { return false };
    let name_end = open.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(open.len());
    let name = &open[..name_end];
    if name.is_empty() {
        return false;
    }
    let Some(tag_end) = open.find('>') else { return false };
    if open[..tag_end].ends_with('/') {
        return open[tag_end + 1..].trim().is_empty();
    }
    rest.trim_end().ends_with(&format!("</{name}>"))
}

#[cfg(test)]
mod tests {
    use super::xml_is_whole;

    #[test]
    fn whole_and_cut_documents() {
        let whole = r#"<?xml version="1.0"?>
<ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <ListSubscriptionsByTopicResult><Subscriptions><member><Protocol>sqs</Protocol></member></Subscriptions>
  </ListSubscriptionsByTopicResult>
</ListSubscriptionsByTopicResponse>
"#;
        assert!(xml_is_whole(whole.as_bytes()));
        for cut in [whole.len() / 2, whole.len() - 10, 1, 30] {
            assert!(!xml_is_whole(&whole.as_bytes()[..cut]), "cut at {cut}");
        }
        assert!(xml_is_whole(b""));
        assert!(xml_is_whole(b"<Empty/>"));
        assert!(xml_is_whole(b"<!-- note --><A><B/></A>\n"));
        assert!(xml_is_whole(b"<a:Root xmlns:a=\"x\"></a:Root>"));
        assert!(!xml_is_whole(b"<!-- note"));
        assert!(!xml_is_whole(b"not xml"));
        // S3's answers (GetBucketNotificationConfiguration) as sent.
        assert!(xml_is_whole(
            b"<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></NotificationConfiguration>"
        ));
    }
}
