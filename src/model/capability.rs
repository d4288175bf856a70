//! The capability table: which S3 and KMS actions each capability needs.
//!
//! Source: seed `000_4baf200b52d0b75a.txt` ("Minimum IAM role permissions required"), with its names
//! corrected: the seed writes `s3:ListBucketMultipartUpload` (IAM's action is `s3:ListBucketMultipartUploads`)
//! and `ListMultipartUploadParts` without its `s3:` prefix, and IAM rejects both.
//! KMS actions follow the S3 guide on SSE-KMS (UsingKMSEncryption, mpuoverview): writing an object asks KMS
//! for a data key (`kms:GenerateDataKey`), completing a multipart upload and reading decrypt it (`kms:Decrypt`).
//! This is the only place these lists are written down; the book's capability page is checked against it.

use std::fmt;

use crate::aws;
use crate::aws::actions::{KmsResource, ResourceType, S3Resource};
use crate::model::policy::Actions;

/// What a client may do with a bucket, in the words of the seed's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Capability {
    /// Write objects, including multipart uploads.
    Upload,
    /// Read objects.
    Download,
    /// List and read, as the transfer server's browse view needs.
    Browse,
    /// Delete objects.
    Delete,
}

/// Every capability, in the order of the seed's table columns.
pub const ALL: [Capability; 4] = [Capability::Upload, Capability::Download, Capability::Browse, Capability::Delete];

impl Capability {
    /// The capability's name in blueprints.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Upload => "upload",
            Capability::Download => "download",
            Capability::Browse => "browse",
            Capability::Delete => "delete",
        }
    }

    /// The capability with this blueprint name.
    pub fn from_name(name: &str) -> Option<Capability> {
        ALL.into_iter().find(|capability| capability.name() == name)
    }

    /// The S3 actions the capability needs, sorted.
    pub fn s3_actions(self) -> &'static [&'static str] {
        match self {
            Capability::Upload => &[
                "s3:AbortMultipartUpload",
                "s3:DeleteObject",
                "s3:GetBucketLocation",
                "s3:ListBucket",
                "s3:ListBucketMultipartUploads",
                "s3:ListMultipartUploadParts",
                "s3:PutObject",
            ],
            Capability::Download => &["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            // The seed's table gives browse the delete and abort actions too: its transfer server's browse
            // view can remove files. Kept as the vendor documents it.
            Capability::Browse => &[
                "s3:AbortMultipartUpload",
                "s3:DeleteObject",
                "s3:GetBucketLocation",
                "s3:GetObject",
                "s3:ListBucket",
                "s3:ListBucketMultipartUploads",
            ],
            Capability::Delete => &["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListBucketMultipartUploads"],
        }
    }

    /// The KMS actions the capability needs on the bucket's key when the bucket uses SSE-KMS, sorted.
    pub fn kms_actions(self) -> &'static [&'static str] {
        match self {
            // Multipart uploads decrypt the parts to complete the object, so uploads need Decrypt as well.
            Capability::Upload => &["kms:Decrypt", "kms:GenerateDataKey"],
            Capability::Download | Capability::Browse => &["kms:Decrypt"],
            Capability::Delete => &[],
        }
    }
}

/// The KMS actions an S3 action needs on the bucket's key when the bucket uses SSE-KMS, sorted: writing an
/// object asks KMS for a data key and completing a multipart upload decrypts its parts; reading an object
/// decrypts it. For an explicit `actions:` list, which gets no KMS action it does not name.
pub fn kms_actions_for(s3_action: &str) -> &'static [&'static str] {
    match s3_action {
        "s3:PutObject" => Capability::Upload.kms_actions(),
        "s3:GetObject" | "s3:GetObjectVersion" => Capability::Download.kms_actions(),
        _ => &[],
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Bucket actions that reveal object keys anywhere in the bucket and that no condition key can confine to a
/// prefix: `s3:ListBucketMultipartUploads` lists every in-progress upload, and IAM offers `s3:prefix` only on
/// `ListBucket` and `ListBucketVersions` (Service Authorization Reference, Amazon S3 condition keys). A client
/// confined to a prefix does not get them from its capabilities, or it could read the key names of every other
/// client's uploads; it can still complete, abort and list the parts of its own uploads, which act on object ARNs
/// under its prefix.
pub const PREFIX_UNCONFINABLE_ACTIONS: &[&str] = &["s3:ListBucketMultipartUploads"];

/// Whether `action` stays in a capability's grant for a principal confined to a prefix.
pub fn confinable(action: &str) -> bool {
    !PREFIX_UNCONFINABLE_ACTIONS.contains(&action)
}

/// The names of every capability, in table order, for suggestions and messages.
pub fn names() -> [&'static str; 4] {
    ALL.map(Capability::name)
}

/// The actions one principal is granted, split by the kind of resource each applies to.
///
/// IAM matches an action only against the resource type it is defined for (Service Authorization
/// Reference), so bucket actions must name the bucket ARN and object actions the object ARNs: an action on
/// the wrong ARN silently grants nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grant {
    /// Actions on the bucket ARN.
    pub bucket: Actions,
    /// Actions on object ARNs.
    pub object: Actions,
    /// Actions on the bucket's KMS key; empty unless the bucket uses SSE-KMS.
    pub kms: Actions,
    /// Actions that take no resource (`*`).
    pub account_wide: Actions,
}

impl Grant {
    /// The grant for these capabilities; `kms` says whether the bucket encrypts with SSE-KMS.
    pub fn for_capabilities(capabilities: &[Capability], kms: bool) -> Grant {
        let mut actions: Vec<&str> = capabilities.iter().flat_map(|capability| capability.s3_actions().iter().copied()).collect();
        if kms {
            actions.extend(capabilities.iter().flat_map(|capability| capability.kms_actions().iter().copied()));
        }
        Grant::for_actions(actions)
    }

    /// The grant for these capabilities for a principal confined to `prefix` when one is given: the table's
    /// actions without [`PREFIX_UNCONFINABLE_ACTIONS`].
    pub fn for_capabilities_under(capabilities: &[Capability], kms: bool, prefix: Option<&str>) -> Grant {
        let mut grant = Grant::for_capabilities(capabilities, kms);
        if prefix.is_some() {
            grant.bucket.retain(confinable);
        }
        grant
    }

    /// The grant for explicit action names, each already known to be a real S3 or KMS action; each keeps the
    /// spelling of `aws::actions`' table.
    pub fn for_actions<'a>(actions: impl IntoIterator<Item = &'a str>) -> Grant {
        let (mut bucket, mut object, mut kms, mut account_wide) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for name in actions {
            let Some(action) = aws::actions::lookup(name) else { continue };
            let list = match action.resource {
                ResourceType::S3(S3Resource::Bucket) => &mut bucket,
                ResourceType::S3(S3Resource::Object) => &mut object,
                ResourceType::Kms(KmsResource::Key) => &mut kms,
                _ => &mut account_wide,
            };
            list.push(action.name);
        }
        Grant {
            bucket: bucket.into_iter().collect(),
            object: object.into_iter().collect(),
            kms: kms.into_iter().collect(),
            account_wide: account_wide.into_iter().collect(),
        }
    }

    /// Every action in the grant.
    pub fn all(&self) -> Actions {
        self.bucket.iter().chain(&self.object).chain(&self.kms).chain(&self.account_wide).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_prefix_removes_only_the_actions_it_cannot_confine() {
        let free = Grant::for_capabilities_under(&ALL, true, None);
        let confined = Grant::for_capabilities_under(&ALL, true, Some("incoming/"));
        assert!(free.bucket.contains("s3:ListBucketMultipartUploads"));
        assert!(!confined.bucket.contains("s3:ListBucketMultipartUploads"));
        let confined_actions = confined.all();
        let removed: Vec<&str> = free.all().iter().filter(|action| !confined_actions.contains(action)).collect();
        assert_eq!(removed, PREFIX_UNCONFINABLE_ACTIONS);
    }

    use super::*;

    #[test]
    fn every_action_in_the_table_is_a_real_iam_action() {
        for capability in ALL {
            for action in capability.s3_actions().iter().chain(capability.kms_actions()) {
                let known = crate::aws::actions::lookup(action);
                assert!(known.is_some(), "{capability}: {action} is not an IAM action");
            }
        }
    }

    #[test]
    fn lists_are_sorted_so_generated_policies_are_stable() {
        for capability in ALL {
            assert!(capability.s3_actions().windows(2).all(|pair| pair[0] < pair[1]), "{capability}");
            assert!(capability.kms_actions().windows(2).all(|pair| pair[0] < pair[1]), "{capability}");
        }
    }

    #[test]
    fn table_matches_the_seed_columns() {
        // Row by row from seed 000's table: which capabilities have an X.
        let rows: [(&str, &[Capability]); 8] = [
            ("s3:AbortMultipartUpload", &[Capability::Upload, Capability::Browse, Capability::Delete]),
            ("s3:DeleteObject", &[Capability::Upload, Capability::Browse, Capability::Delete]),
            ("s3:GetBucketLocation", &[Capability::Upload, Capability::Download, Capability::Browse]),
            ("s3:GetObject", &[Capability::Download, Capability::Browse]),
            ("s3:ListBucket", &[Capability::Upload, Capability::Download, Capability::Browse]),
            ("s3:ListBucketMultipartUploads", &ALL),
            ("s3:ListMultipartUploadParts", &[Capability::Upload]),
            ("s3:PutObject", &[Capability::Upload]),
        ];
        for (action, with) in rows {
            for capability in ALL {
                assert_eq!(capability.s3_actions().contains(&action), with.contains(&capability), "{action} for {capability}");
            }
        }
    }
}
