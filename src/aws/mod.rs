//! Reference facts about AWS that bucketbridge validates blueprints against.
//!
//! Everything here is data transcribed from AWS documentation (the Service
//! Authorization Reference, the IAM and STS quotas page, the S3 bucket naming
//! rules, the KMS and STS API references and the list of Regions) plus small,
//! pure functions over it. Nothing here talks to AWS: the point is to catch a
//! mistake in a blueprint before Terraform or `CloudFormation` would.
//!
//! * [`actions`]: every IAM action of `s3`, `kms` and `sts`, with resource type
//!   and access level.
//! * [`regions`]: Region codes and the partition each belongs to.
//! * [`dates`]: ISO 8601 date-times for IAM's date condition operators.
//! * [`names`]: validators for the names a blueprint supplies (buckets, roles,
//!   policies, paths, external IDs, KMS aliases, account IDs, key prefixes).
//! * The constants below: size limits IAM, S3 and KMS enforce on policies, and the limits CloudFormation
//!   enforces on templates.

pub mod actions;
pub mod dates;
pub mod names;
pub mod regions;

// --- Policy size limits --------------------------------------------------
//
// IAM counts policy size in characters *excluding white space* (see
// [`policy_length_excluding_whitespace`]); S3 and KMS count the document's
// size as sent. The generator should check its output against these before
// handing a module to the user, because AWS only reports them at apply time.

/// Largest customer managed policy document: 6,144 characters, white space not
/// counted. Not adjustable.
///
/// Source: IAM User Guide, "IAM and AWS STS quotas" (`reference_iam-quotas.html`),
/// character limits.
pub const MANAGED_POLICY_MAX_CHARS: usize = 6_144;

/// Largest role trust policy (`AssumeRolePolicyDocument`) by default: 2,048
/// characters, white space not counted. Adjustable through Service Quotas (to
/// 8,192 at most), but a generated module cannot assume the quota was raised.
///
/// Source: reference_iam-quotas.html, "Role trust policy length".
pub const ROLE_TRUST_POLICY_MAX_CHARS: usize = 2_048;

/// Largest role trust policy after a Service Quotas increase: 8,192 characters.
///
/// Source: reference_iam-quotas.html (adjustable quota maximum).
pub const ROLE_TRUST_POLICY_MAX_CHARS_ADJUSTED: usize = 8_192;

/// Total size of all inline policies embedded in one role: 10,240 characters,
/// white space not counted. The limit is on the sum, not each policy.
///
/// Source: reference_iam-quotas.html, inline policy size for roles.
pub const ROLE_INLINE_POLICIES_MAX_CHARS: usize = 10_240;

/// Total size of all inline policies embedded in one user: 2,048 characters.
///
/// Source: reference_iam-quotas.html, inline policy size for users.
pub const USER_INLINE_POLICIES_MAX_CHARS: usize = 2_048;

/// Total size of all inline policies embedded in one group: 5,120 characters.
///
/// Source: reference_iam-quotas.html, inline policy size for groups.
pub const GROUP_INLINE_POLICIES_MAX_CHARS: usize = 5_120;

/// Managed policies that can be attached to one role by default: 10.
/// Adjustable through Service Quotas; see
/// [`MANAGED_POLICIES_PER_ROLE_MAX_ADJUSTED`].
///
/// Source: reference_iam-quotas.html, "Managed policies attached to an IAM role".
pub const MANAGED_POLICIES_PER_ROLE_DEFAULT: usize = 10;

/// Managed policies per role after a Service Quotas increase. Recent quota
/// tables give 25 (older pages said 20); treat it as advisory.
///
/// Source: reference_iam-quotas.html, adjustable quota maximum.
pub const MANAGED_POLICIES_PER_ROLE_MAX_ADJUSTED: usize = 25;

/// Versions kept of one customer managed policy: 5. Updating a policy that
/// already has five versions fails until one is deleted.
///
/// Source: reference_iam-quotas.html, "Versions of a managed policy".
pub const MANAGED_POLICY_VERSIONS_MAX: usize = 5;

/// Tags on one IAM role (or user, or customer managed policy): 50.
///
/// Source: reference_iam-quotas.html, tags per IAM resource.
pub const IAM_TAGS_PER_RESOURCE_MAX: usize = 50;

/// Largest role description: 1,000 characters.
///
/// Source: IAM API Reference, `CreateRole` `Description`.
pub const ROLE_DESCRIPTION_MAX_CHARS: usize = 1_000;

/// Longest `MaxSessionDuration` a role may have: 12 hours, in seconds.
///
/// Source: IAM API Reference, `CreateRole` `MaxSessionDuration` (3,600–43,200).
pub const ROLE_MAX_SESSION_DURATION_SECS: u32 = 43_200;

/// Shortest `MaxSessionDuration` a role may have: 1 hour, in seconds.
///
/// Source: IAM API Reference, `CreateRole` `MaxSessionDuration` (3,600–43,200).
pub const ROLE_MIN_SESSION_DURATION_SECS: u32 = 3_600;

/// Largest S3 bucket policy: 20 KB (20,480 bytes).
///
/// Source: Amazon S3 User Guide, "Bucket policies" (bucket-policies.html):
/// bucket policies are limited to 20 KB in size.
pub const BUCKET_POLICY_MAX_BYTES: usize = 20 * 1024;

/// Largest KMS key policy: 32 KB (32,768 bytes).
///
/// Source: AWS KMS Developer Guide, "Key policies" / quotas (resource-limits.html):
/// the maximum length of a key policy document is 32 KB.
pub const KEY_POLICY_MAX_BYTES: usize = 32 * 1024;

/// Longest S3 object key: 1,024 bytes of UTF-8.
///
/// Source: Amazon S3 User Guide, "Naming Amazon S3 objects" (object-keys.html).
pub const S3_KEY_MAX_BYTES: usize = 1_024;

/// Grants per KMS key: 50,000.
///
/// Source: AWS KMS Developer Guide, resource quotas (resource-limits.html).
pub const KMS_GRANTS_PER_KEY_MAX: usize = 50_000;

/// Aliases per KMS key: 50.
///
/// Source: AWS KMS Developer Guide, resource quotas (resource-limits.html).
pub const KMS_ALIASES_PER_KEY_MAX: usize = 50;

/// The waiting period between scheduling a key's deletion and the deletion: 7 to 30 days.
///
/// Source: AWS KMS API Reference, `ScheduleKeyDeletion` (`PendingWindowInDays`).
pub const KMS_PENDING_WINDOW_DAYS: std::ops::RangeInclusive<u32> = 7..=30;

// --- CloudFormation template limits ------------------------------------
//
// A module's template must stay within these, or CloudFormation refuses it before it creates anything; the
// CloudFormation emitter splits a module that would not fit into several stacks.

/// Resources declared in one template: 500.
///
/// Source: AWS CloudFormation User Guide, "CloudFormation quotas" (`cloudformation-limits.html`), Resources.
pub const CLOUDFORMATION_RESOURCES_MAX: usize = 500;

/// Outputs declared in one template: 200. An export is an output with an `Export` name, so exports count too.
///
/// Source: cloudformation-limits.html, Outputs.
pub const CLOUDFORMATION_OUTPUTS_MAX: usize = 200;

/// Parameters declared in one template: 200.
///
/// Source: cloudformation-limits.html, Parameters.
pub const CLOUDFORMATION_PARAMETERS_MAX: usize = 200;

/// Largest template body uploaded to S3 first (`aws cloudformation deploy --s3-bucket`, `TemplateURL`): 1 MB.
///
/// Source: cloudformation-limits.html, "Template body size in an Amazon S3 object" (1 MB, 1,000,000 bytes).
pub const CLOUDFORMATION_TEMPLATE_S3_MAX_BYTES: usize = 1_000_000;

/// Largest template body passed inline (`TemplateBody`, what `aws cloudformation deploy` sends without
/// `--s3-bucket`): 51,200 bytes.
///
/// Source: cloudformation-limits.html, "Template body size in a request".
pub const CLOUDFORMATION_TEMPLATE_INLINE_MAX_BYTES: usize = 51_200;

/// Longest export name: 255 characters. Export names must also be unique per account and region.
///
/// Source: cloudformation-limits.html, "Output export name", and the User Guide page "Exporting stack output
/// values" (`using-cfn-stack-exports.html`).
pub const CLOUDFORMATION_EXPORT_NAME_MAX_CHARS: usize = 255;

/// Length of a policy document as IAM counts it against the character quotas
/// above: every `char` except white space.
///
/// IAM's quotas say "white space is not counted"; counting `char`s (not bytes)
/// matches how the quotas are stated. Use this on the JSON the generator is
/// about to emit, not on YAML.
#[must_use]
pub fn policy_length_excluding_whitespace(document: &str) -> usize {
    // Generated policies are ASCII, counted a byte at a time without decoding (a tenth of the time).
    if document.is_ascii() {
        return document.bytes().filter(|byte| !byte.is_ascii_whitespace() && *byte != 0x0b).count();
    }
    document.chars().filter(|c| !c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_not_counted() {
        assert_eq!(policy_length_excluding_whitespace("{ \"a\" :\n\t1 }"), 7);
        assert_eq!(policy_length_excluding_whitespace(""), 0);
        assert_eq!(policy_length_excluding_whitespace("é"), 1);
        // Every ASCII character `char::is_whitespace` counts as white space, vertical tab included, which
        // `u8::is_ascii_whitespace` leaves out.
        let ascii: String = (0..128u8).map(char::from).collect();
        assert_eq!(policy_length_excluding_whitespace(&ascii), ascii.chars().filter(|c| !c.is_whitespace()).count());
        assert_eq!(policy_length_excluding_whitespace(&format!("{ascii}\u{a0}")), 128 - 6);
    }

    #[test]
    fn limits_are_the_documented_values() {
        assert_eq!(MANAGED_POLICY_MAX_CHARS, 6144);
        assert_eq!(ROLE_TRUST_POLICY_MAX_CHARS, 2048);
        assert_eq!(ROLE_INLINE_POLICIES_MAX_CHARS, 10240);
        assert_eq!(BUCKET_POLICY_MAX_BYTES, 20480);
        assert_eq!(KEY_POLICY_MAX_BYTES, 32768);
        assert_eq!(MANAGED_POLICIES_PER_ROLE_DEFAULT, 10);
        assert_eq!(CLOUDFORMATION_RESOURCES_MAX, 500);
        assert_eq!(CLOUDFORMATION_OUTPUTS_MAX, 200);
        assert_eq!(CLOUDFORMATION_TEMPLATE_S3_MAX_BYTES, 1_000_000);
        assert_eq!(CLOUDFORMATION_TEMPLATE_INLINE_MAX_BYTES, 51_200);
    }
}
