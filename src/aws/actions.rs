//! IAM actions of the three services bucketbridge writes policies for: `s3`,
//! `kms` and `sts`.
//!
//! Transcribed from AWS's Service Authorization Reference (`list_amazons3.html`,
//! `list_awskeymanagementservice.html`, `list_awssecuritytokenservice.html`). Each
//! action carries the resource type its ARN must name (the required one, when
//! the reference lists several) and its access level, so callers can check that
//! a statement pairs actions with the right kind of ARN, and warn about
//! permissions-management or tagging grants.
//!
//! IAM matches action names case-insensitively, so [`lookup`] does too; the
//! tables keep AWS's own spelling (`s3:GetBucketCORS`, `sts:AssumeRoleWithSAML`)
//! for output. The tables are sorted by ASCII-case-insensitive name, which is
//! the order [`lookup`] binary-searches and [`all`] yields, so "did you mean"
//! suggestions computed from them are deterministic.

use std::cmp::Ordering;
use std::fmt;

/// An AWS service whose actions are tabulated here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Service {
    /// AWS Key Management Service, prefix `kms`.
    Kms,
    /// Amazon S3, prefix `s3`.
    S3,
    /// AWS Security Token Service, prefix `sts`.
    Sts,
}

impl Service {
    /// Every service, in the order [`all`] yields their actions.
    pub const ALL: [Service; 3] = [Service::Kms, Service::S3, Service::Sts];

    /// The service prefix used in action names and ARNs (`"s3"`).
    #[must_use]
    pub const fn prefix(self) -> &'static str {
        match self {
            Service::Kms => "kms",
            Service::S3 => "s3",
            Service::Sts => "sts",
        }
    }

    /// The service whose prefix is `prefix`, ignoring ASCII case as IAM does.
    #[must_use]
    pub fn from_prefix(prefix: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.prefix().eq_ignore_ascii_case(prefix))
    }

    /// This service's actions, sorted.
    #[must_use]
    pub fn actions(self) -> &'static [Action] {
        match self {
            Service::Kms => KMS_ACTIONS,
            Service::S3 => S3_ACTIONS,
            Service::Sts => STS_ACTIONS,
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

/// The access level the Service Authorization Reference gives an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    /// Lists resources or their contents (`s3:ListBucket`).
    List,
    /// Reads data or configuration (`s3:GetObject`).
    Read,
    /// Creates, changes or deletes data or configuration (`s3:PutObject`).
    Write,
    /// Changes who may do what: policies, ACLs, grants (`s3:PutBucketPolicy`).
    PermissionsManagement,
    /// Adds or removes tags only (`s3:PutObjectTagging`).
    Tagging,
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AccessLevel::List => "list",
            AccessLevel::Read => "read",
            AccessLevel::Write => "write",
            AccessLevel::PermissionsManagement => "permissions management",
            AccessLevel::Tagging => "tagging",
        })
    }
}

/// What an S3 action's `Resource` must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum S3Resource {
    /// A bucket: `arn:aws:s3:::bucket`.
    Bucket,
    /// An object: `arn:aws:s3:::bucket/key`.
    Object,
    /// No resource-level permission: the statement's `Resource` must be `"*"`
    /// (`s3:ListAllMyBuckets`, `s3:CreateJob`, `s3:PutAccountPublicAccessBlock`).
    AccountWide,
    /// An access point: `arn:aws:s3:region:account:accesspoint/name`.
    AccessPoint,
    /// An Object Lambda access point (`arn:aws:s3-object-lambda:…`).
    ObjectLambdaAccessPoint,
    /// A Batch Operations job: `…:job/id`.
    Job,
    /// A Storage Lens configuration: `…:storage-lens/id`.
    StorageLensConfiguration,
    /// A Storage Lens group: `…:storage-lens-group/name`.
    StorageLensGroup,
    /// A Multi-Region Access Point: `arn:aws:s3::account:accesspoint/alias`.
    MultiRegionAccessPoint,
    /// A Multi-Region Access Point asynchronous request:
    /// `…:async-request/mrap/operation/token`.
    MultiRegionAccessPointRequest,
    /// An Access Grants instance: `…:access-grants/default`.
    AccessGrantsInstance,
    /// An Access Grants location: `…:access-grants/default/location/token`.
    AccessGrantsLocation,
    /// An access grant: `…:access-grants/default/grant/token`.
    AccessGrant,
    /// Several resource types, none required (`s3:TagResource`,
    /// `s3:UntagResource`, `s3:ListTagsForResource`).
    Several,
}

/// What a KMS action's `Resource` must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KmsResource {
    /// A KMS key: `arn:aws:kms:region:account:key/id`.
    Key,
    /// An alias: `arn:aws:kms:region:account:alias/name`. The alias actions
    /// (`CreateAlias`, `DeleteAlias`, `UpdateAlias`) also need the key.
    Alias,
    /// No resource-level permission: `Resource` must be `"*"`
    /// (`kms:CreateKey`, `kms:ListAliases`, custom key store actions).
    None,
}

/// What an STS action's `Resource` must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StsResource {
    /// An IAM role: `arn:aws:iam::account:role/name`.
    Role,
    /// A federated user: `arn:aws:sts::account:federated-user/name`.
    User,
    /// Either a role or a (federated) user, neither required
    /// (`sts:TagSession`, `sts:SetSourceIdentity`).
    RoleOrUser,
    /// An account's root user: `arn:aws:iam::account:root` (`sts:AssumeRoot`).
    RootUser,
    /// No resource-level permission: `Resource` must be `"*"`.
    None,
}

/// The resource type of an action, by service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceType {
    /// An S3 action's resource.
    S3(S3Resource),
    /// A KMS action's resource.
    Kms(KmsResource),
    /// An STS action's resource.
    Sts(StsResource),
}

impl ResourceType {
    /// Whether the action takes no resource-level permission, so a statement
    /// granting it must use `"Resource": "*"`.
    #[must_use]
    pub const fn requires_wildcard_resource(self) -> bool {
        matches!(
            self,
            ResourceType::S3(S3Resource::AccountWide) | ResourceType::Kms(KmsResource::None) | ResourceType::Sts(StsResource::None)
        )
    }
}

/// One IAM action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Action {
    /// The full name with AWS's capitalisation, e.g. `s3:GetBucketLocation`.
    pub name: &'static str,
    /// The resource type a statement's `Resource` must name for it.
    pub resource: ResourceType,
    /// The access level the Service Authorization Reference gives it.
    pub access: AccessLevel,
}

impl Action {
    /// The service the action belongs to.
    #[must_use]
    pub const fn service(&self) -> Service {
        match self.resource {
            ResourceType::S3(_) => Service::S3,
            ResourceType::Kms(_) => Service::Kms,
            ResourceType::Sts(_) => Service::Sts,
        }
    }

    /// The name without its service prefix, e.g. `GetBucketLocation`.
    #[must_use]
    pub fn short_name(&self) -> &'static str {
        // Every table entry contains exactly one ':' (checked by a test).
        self.name.split_once(':').map_or(self.name, |(_, n)| n)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Compares two names as IAM does: ASCII case ignored.
fn cmp_ignore_ascii_case(a: &str, b: &str) -> Ordering {
    // Names are mostly spelled as in the tables, so equal bytes are let through before any lower-casing: a
    // 1,000-client build looks up 13,000 names, and lower-casing every byte was 2% of its instructions.
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (left, right) in a.iter().zip(b) {
        if left == right {
            continue;
        }
        let order = left.to_ascii_lowercase().cmp(&right.to_ascii_lowercase());
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// The action named `action` (`"s3:GetObject"`), ignoring ASCII case as IAM
/// does, or `None` if `s3`, `kms` or `sts` has no such action. Wildcards
/// (`s3:Get*`) are not expanded: they are not action names.
#[must_use]
pub fn lookup(action: &str) -> Option<&'static Action> {
    let (prefix, _) = action.split_once(':')?;
    let table = Service::from_prefix(prefix)?.actions();
    table.binary_search_by(|a| cmp_ignore_ascii_case(a.name, action)).ok().map(|i| &table[i])
}

/// Every action of every service: `kms`, then `s3`, then `sts`, each sorted,
/// so the whole sequence is sorted case-insensitively too.
pub fn all() -> impl Iterator<Item = &'static Action> {
    KMS_ACTIONS.iter().chain(S3_ACTIONS).chain(STS_ACTIONS)
}

/// The actions in AWS's default key policy statement for key administrators
/// ("Allow access for Key Administrators"), exactly as the KMS console writes
/// it. A generated key policy that gives an administrator role these and
/// nothing else matches what AWS users expect to see.
pub const KMS_DEFAULT_KEY_ADMINISTRATOR_ACTIONS: &[&str] = &[
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
];

/// The actions in AWS's default key policy statement for key users
/// ("Allow use of the key"), exactly as the KMS console writes it.
pub const KMS_DEFAULT_KEY_USER_ACTIONS: &[&str] =
    &["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/// Whether IAM's wildcard matching of `pattern` (only a trailing `*` is
/// used in the default key policy) covers `name`, ignoring ASCII case.
fn pattern_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => name.len() >= stem.len() && name.is_char_boundary(stem.len()) && name[..stem.len()].eq_ignore_ascii_case(stem),
        None => pattern.eq_ignore_ascii_case(name),
    }
}

/// Whether `action` is a KMS action the default key policy grants to key
/// administrators (see [`KMS_DEFAULT_KEY_ADMINISTRATOR_ACTIONS`]).
///
/// Follows the default statement literally, so it is `true` for some actions
/// that are not pure administration: `kms:CreateGrant` (via `Create*`, and a
/// grant can allow decryption), `kms:GetPublicKey` (via `Get*`) and
/// `kms:DescribeKey` (which key users also get). Unknown names are `false`,
/// so a typo is never classed as administration.
#[must_use]
pub fn is_kms_key_administration(action: &str) -> bool {
    let Some(found) = lookup(action) else {
        return false;
    };
    if found.service() != Service::Kms {
        return false;
    }
    KMS_DEFAULT_KEY_ADMINISTRATOR_ACTIONS.iter().any(|p| pattern_matches(p, found.name))
}

/// The KMS actions that are cryptographic operations (they use key material
/// on data), as the KMS Developer Guide's "cryptographic operations" lists
/// them. These are what a cross-account reader or writer of an SSE-KMS bucket
/// needs, as opposed to [`is_kms_key_administration`].
pub const KMS_CRYPTOGRAPHIC_OPERATIONS: &[&str] = &[
    "kms:Decrypt",
    "kms:DeriveSharedSecret",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:GenerateMac",
    "kms:GenerateRandom",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:Sign",
    "kms:Verify",
    "kms:VerifyMac",
];

/// Whether `action` is one of [`KMS_CRYPTOGRAPHIC_OPERATIONS`], ignoring ASCII
/// case.
#[must_use]
pub fn is_kms_cryptographic_operation(action: &str) -> bool {
    KMS_CRYPTOGRAPHIC_OPERATIONS.iter().any(|a| a.eq_ignore_ascii_case(action))
}

// Short constructors keep the tables one line per action.
const fn s3(name: &'static str, resource: S3Resource, access: AccessLevel) -> Action {
    Action { name, resource: ResourceType::S3(resource), access }
}

const fn kms(name: &'static str, resource: KmsResource, access: AccessLevel) -> Action {
    Action { name, resource: ResourceType::Kms(resource), access }
}

const fn sts(name: &'static str, resource: StsResource, access: AccessLevel) -> Action {
    Action { name, resource: ResourceType::Sts(resource), access }
}

use AccessLevel::{List, PermissionsManagement as Perm, Read, Tagging, Write};
use S3Resource::{
    AccessGrant, AccessGrantsInstance as AgInstance, AccessGrantsLocation as AgLocation, AccessPoint, AccountWide, Bucket, Job,
    MultiRegionAccessPoint as Mrap, MultiRegionAccessPointRequest as MrapRequest, Object, ObjectLambdaAccessPoint as Olap, Several,
    StorageLensConfiguration as LensConfig, StorageLensGroup as LensGroup,
};

/// Every `s3` action, sorted by ASCII-case-insensitive name.
pub static S3_ACTIONS: &[Action] = &[
    s3("s3:AbortMultipartUpload", Object, Write),
    s3("s3:AllowVendedLogDeliveryForResource", Bucket, Read),
    s3("s3:AssociateAccessGrantsIdentityCenter", AgInstance, Perm),
    s3("s3:BypassGovernanceRetention", Object, Perm),
    s3("s3:CreateAccessGrant", AgInstance, Perm),
    s3("s3:CreateAccessGrantsInstance", AgInstance, Perm),
    s3("s3:CreateAccessGrantsLocation", AgLocation, Perm),
    s3("s3:CreateAccessPoint", AccessPoint, Write),
    s3("s3:CreateAccessPointForObjectLambda", Olap, Write),
    s3("s3:CreateBucket", Bucket, Write),
    s3("s3:CreateBucketMetadataTableConfiguration", Bucket, Write),
    s3("s3:CreateJob", AccountWide, Write),
    s3("s3:CreateMultiRegionAccessPoint", Mrap, Write),
    s3("s3:CreateStorageLensGroup", LensGroup, Write),
    s3("s3:DeleteAccessGrant", AccessGrant, Perm),
    s3("s3:DeleteAccessGrantsInstance", AgInstance, Perm),
    s3("s3:DeleteAccessGrantsInstanceResourcePolicy", AgInstance, Perm),
    s3("s3:DeleteAccessGrantsLocation", AgLocation, Perm),
    s3("s3:DeleteAccessPoint", AccessPoint, Write),
    s3("s3:DeleteAccessPointForObjectLambda", Olap, Write),
    s3("s3:DeleteAccessPointPolicy", AccessPoint, Perm),
    s3("s3:DeleteAccessPointPolicyForObjectLambda", Olap, Perm),
    s3("s3:DeleteBucket", Bucket, Write),
    s3("s3:DeleteBucketMetadataTableConfiguration", Bucket, Write),
    s3("s3:DeleteBucketPolicy", Bucket, Perm),
    s3("s3:DeleteBucketWebsite", Bucket, Write),
    s3("s3:DeleteJobTagging", Job, Tagging),
    s3("s3:DeleteMultiRegionAccessPoint", Mrap, Write),
    s3("s3:DeleteObject", Object, Write),
    s3("s3:DeleteObjectAnnotation", Object, Write),
    s3("s3:DeleteObjectTagging", Object, Tagging),
    s3("s3:DeleteObjectVersion", Object, Write),
    s3("s3:DeleteObjectVersionAnnotation", Object, Write),
    s3("s3:DeleteObjectVersionTagging", Object, Tagging),
    s3("s3:DeleteStorageLensConfiguration", LensConfig, Write),
    s3("s3:DeleteStorageLensConfigurationTagging", LensConfig, Tagging),
    s3("s3:DeleteStorageLensGroup", LensGroup, Write),
    s3("s3:DescribeJob", Job, Read),
    s3("s3:DescribeMultiRegionAccessPointOperation", MrapRequest, Read),
    s3("s3:DissociateAccessGrantsIdentityCenter", AgInstance, Perm),
    s3("s3:GetAccelerateConfiguration", Bucket, Read),
    s3("s3:GetAccessGrant", AccessGrant, Read),
    s3("s3:GetAccessGrantsInstance", AgInstance, Read),
    s3("s3:GetAccessGrantsInstanceForPrefix", AgInstance, Read),
    s3("s3:GetAccessGrantsInstanceResourcePolicy", AgInstance, Read),
    s3("s3:GetAccessGrantsLocation", AgLocation, Read),
    s3("s3:GetAccessPoint", AccountWide, Read),
    s3("s3:GetAccessPointConfigurationForObjectLambda", Olap, Read),
    s3("s3:GetAccessPointForObjectLambda", Olap, Read),
    s3("s3:GetAccessPointPolicy", AccessPoint, Read),
    s3("s3:GetAccessPointPolicyForObjectLambda", Olap, Read),
    s3("s3:GetAccessPointPolicyStatus", AccessPoint, Read),
    s3("s3:GetAccessPointPolicyStatusForObjectLambda", Olap, Read),
    s3("s3:GetAccountPublicAccessBlock", AccountWide, Read),
    s3("s3:GetAnalyticsConfiguration", Bucket, Read),
    s3("s3:GetBucketAbac", Bucket, Read),
    s3("s3:GetBucketAcl", Bucket, Read),
    s3("s3:GetBucketCORS", Bucket, Read),
    s3("s3:GetBucketLocation", Bucket, Read),
    s3("s3:GetBucketLogging", Bucket, Read),
    s3("s3:GetBucketMetadataTableConfiguration", Bucket, Read),
    s3("s3:GetBucketNotification", Bucket, Read),
    s3("s3:GetBucketObjectLockConfiguration", Bucket, Read),
    s3("s3:GetBucketOwnershipControls", Bucket, Read),
    s3("s3:GetBucketPolicy", Bucket, Read),
    s3("s3:GetBucketPolicyStatus", Bucket, Read),
    s3("s3:GetBucketPublicAccessBlock", Bucket, Read),
    s3("s3:GetBucketRequestPayment", Bucket, Read),
    s3("s3:GetBucketTagging", Bucket, Read),
    s3("s3:GetBucketVersioning", Bucket, Read),
    s3("s3:GetBucketWebsite", Bucket, Read),
    s3("s3:GetDataAccess", AgInstance, Read),
    s3("s3:GetEncryptionConfiguration", Bucket, Read),
    s3("s3:GetIntelligentTieringConfiguration", Bucket, Read),
    s3("s3:GetInventoryConfiguration", Bucket, Read),
    s3("s3:GetJobTagging", Job, Read),
    s3("s3:GetLifecycleConfiguration", Bucket, Read),
    s3("s3:GetMetricsConfiguration", Bucket, Read),
    s3("s3:GetMultiRegionAccessPoint", Mrap, Read),
    s3("s3:GetMultiRegionAccessPointPolicy", Mrap, Read),
    s3("s3:GetMultiRegionAccessPointPolicyStatus", Mrap, Read),
    s3("s3:GetMultiRegionAccessPointRoutes", Mrap, Read),
    s3("s3:GetObject", Object, Read),
    s3("s3:GetObjectAcl", Object, Read),
    s3("s3:GetObjectAnnotation", Object, Read),
    s3("s3:GetObjectAttributes", Object, Read),
    s3("s3:GetObjectLegalHold", Object, Read),
    s3("s3:GetObjectRetention", Object, Read),
    s3("s3:GetObjectTagging", Object, Read),
    s3("s3:GetObjectTorrent", Object, Read),
    s3("s3:GetObjectVersion", Object, Read),
    s3("s3:GetObjectVersionAcl", Object, Read),
    s3("s3:GetObjectVersionAnnotation", Object, Read),
    s3("s3:GetObjectVersionAnnotationForReplication", Object, Read),
    s3("s3:GetObjectVersionAttributes", Object, Read),
    s3("s3:GetObjectVersionForReplication", Object, Read),
    s3("s3:GetObjectVersionTagging", Object, Read),
    s3("s3:GetObjectVersionTorrent", Object, Read),
    s3("s3:GetReplicationConfiguration", Bucket, Read),
    s3("s3:GetStorageLensConfiguration", LensConfig, Read),
    s3("s3:GetStorageLensConfigurationTagging", LensConfig, Read),
    s3("s3:GetStorageLensDashboard", LensConfig, Read),
    s3("s3:GetStorageLensGroup", LensGroup, Read),
    s3("s3:InitiateReplication", Object, Write),
    s3("s3:ListAccessGrants", AgInstance, List),
    s3("s3:ListAccessGrantsInstances", AccountWide, List),
    s3("s3:ListAccessGrantsLocations", AgInstance, List),
    s3("s3:ListAccessPoints", AccountWide, List),
    s3("s3:ListAccessPointsForObjectLambda", AccountWide, List),
    s3("s3:ListAllMyBuckets", AccountWide, List),
    s3("s3:ListBucket", Bucket, List),
    s3("s3:ListBucketMultipartUploads", Bucket, List),
    s3("s3:ListBucketVersions", Bucket, List),
    s3("s3:ListCallerAccessGrants", AgInstance, List),
    s3("s3:ListJobs", AccountWide, List),
    s3("s3:ListMultipartUploadParts", Object, List),
    s3("s3:ListMultiRegionAccessPoints", AccountWide, List),
    s3("s3:ListObjectAnnotations", Object, List),
    s3("s3:ListObjectVersionAnnotations", Object, List),
    s3("s3:ListStorageLensConfigurations", AccountWide, List),
    s3("s3:ListStorageLensGroups", AccountWide, List),
    s3("s3:ListTagsForResource", Several, List),
    s3("s3:ObjectOwnerOverrideToBucketOwner", Object, Perm),
    s3("s3:PauseReplication", Bucket, Write),
    s3("s3:PutAccelerateConfiguration", Bucket, Write),
    s3("s3:PutAccessGrantsInstanceResourcePolicy", AgInstance, Perm),
    s3("s3:PutAccessPointConfigurationForObjectLambda", Olap, Write),
    s3("s3:PutAccessPointPolicy", AccessPoint, Perm),
    s3("s3:PutAccessPointPolicyForObjectLambda", Olap, Perm),
    s3("s3:PutAccessPointPublicAccessBlock", AccountWide, Perm),
    s3("s3:PutAccountPublicAccessBlock", AccountWide, Perm),
    s3("s3:PutAnalyticsConfiguration", Bucket, Write),
    s3("s3:PutBucketAbac", Bucket, Write),
    s3("s3:PutBucketAcl", Bucket, Perm),
    s3("s3:PutBucketCORS", Bucket, Write),
    s3("s3:PutBucketLogging", Bucket, Write),
    s3("s3:PutBucketNotification", Bucket, Write),
    s3("s3:PutBucketObjectLockConfiguration", Bucket, Write),
    s3("s3:PutBucketOwnershipControls", Bucket, Perm),
    s3("s3:PutBucketPolicy", Bucket, Perm),
    s3("s3:PutBucketPublicAccessBlock", Bucket, Perm),
    s3("s3:PutBucketRequestPayment", Bucket, Write),
    s3("s3:PutBucketTagging", Bucket, Tagging),
    s3("s3:PutBucketVersioning", Bucket, Write),
    s3("s3:PutBucketWebsite", Bucket, Write),
    s3("s3:PutEncryptionConfiguration", Bucket, Write),
    s3("s3:PutIntelligentTieringConfiguration", Bucket, Write),
    s3("s3:PutInventoryConfiguration", Bucket, Write),
    s3("s3:PutJobTagging", Job, Tagging),
    s3("s3:PutLifecycleConfiguration", Bucket, Write),
    s3("s3:PutMetricsConfiguration", Bucket, Write),
    s3("s3:PutMultiRegionAccessPointPolicy", Mrap, Perm),
    s3("s3:PutObject", Object, Write),
    s3("s3:PutObjectAcl", Object, Perm),
    s3("s3:PutObjectAnnotation", Object, Write),
    s3("s3:PutObjectLegalHold", Object, Write),
    s3("s3:PutObjectRetention", Object, Write),
    s3("s3:PutObjectTagging", Object, Tagging),
    s3("s3:PutObjectVersionAcl", Object, Perm),
    s3("s3:PutObjectVersionAnnotation", Object, Write),
    s3("s3:PutObjectVersionTagging", Object, Tagging),
    s3("s3:PutReplicationConfiguration", Bucket, Write),
    s3("s3:PutStorageLensConfiguration", AccountWide, Write),
    s3("s3:PutStorageLensConfigurationTagging", LensConfig, Tagging),
    s3("s3:ReplicateDelete", Object, Write),
    s3("s3:ReplicateObject", Object, Write),
    s3("s3:ReplicateObjectAnnotation", Object, Write),
    s3("s3:ReplicateTags", Object, Tagging),
    s3("s3:RestoreObject", Object, Write),
    s3("s3:SubmitMultiRegionAccessPointRoutes", Mrap, Write),
    s3("s3:TagResource", Several, Tagging),
    s3("s3:UntagResource", Several, Tagging),
    s3("s3:UpdateAccessGrantsLocation", AgLocation, Perm),
    s3("s3:UpdateBucketMetadataAnnotationTableConfiguration", Bucket, Write),
    s3("s3:UpdateBucketMetadataInventoryTableConfiguration", Bucket, Write),
    s3("s3:UpdateBucketMetadataJournalTableConfiguration", Bucket, Write),
    s3("s3:UpdateJobPriority", Job, Write),
    s3("s3:UpdateJobStatus", Job, Write),
    s3("s3:UpdateObjectEncryption", Object, Write),
    s3("s3:UpdateStorageLensGroup", LensGroup, Write),
];

/// Every `kms` action, sorted by ASCII-case-insensitive name.
pub static KMS_ACTIONS: &[Action] = &[
    kms("kms:CancelKeyDeletion", KmsResource::Key, Write),
    kms("kms:ConnectCustomKeyStore", KmsResource::None, Write),
    kms("kms:CreateAlias", KmsResource::Alias, Write),
    kms("kms:CreateCustomKeyStore", KmsResource::None, Write),
    kms("kms:CreateGrant", KmsResource::Key, Perm),
    kms("kms:CreateKey", KmsResource::None, Write),
    kms("kms:Decrypt", KmsResource::Key, Write),
    kms("kms:DeleteAlias", KmsResource::Alias, Write),
    kms("kms:DeleteCustomKeyStore", KmsResource::None, Write),
    kms("kms:DeleteImportedKeyMaterial", KmsResource::Key, Write),
    kms("kms:DeriveSharedSecret", KmsResource::Key, Write),
    kms("kms:DescribeCustomKeyStores", KmsResource::None, Read),
    kms("kms:DescribeKey", KmsResource::Key, Read),
    kms("kms:DisableKey", KmsResource::Key, Write),
    kms("kms:DisableKeyRotation", KmsResource::Key, Write),
    kms("kms:DisconnectCustomKeyStore", KmsResource::None, Write),
    kms("kms:EnableKey", KmsResource::Key, Write),
    kms("kms:EnableKeyRotation", KmsResource::Key, Write),
    kms("kms:Encrypt", KmsResource::Key, Write),
    kms("kms:GenerateDataKey", KmsResource::Key, Write),
    kms("kms:GenerateDataKeyPair", KmsResource::Key, Write),
    kms("kms:GenerateDataKeyPairWithoutPlaintext", KmsResource::Key, Write),
    kms("kms:GenerateDataKeyWithoutPlaintext", KmsResource::Key, Write),
    kms("kms:GenerateMac", KmsResource::Key, Write),
    kms("kms:GenerateRandom", KmsResource::None, Write),
    kms("kms:GetKeyLastUsage", KmsResource::Key, Read),
    kms("kms:GetKeyPolicy", KmsResource::Key, Read),
    kms("kms:GetKeyRotationStatus", KmsResource::Key, Read),
    kms("kms:GetParametersForImport", KmsResource::Key, Read),
    kms("kms:GetPublicKey", KmsResource::Key, Read),
    kms("kms:ImportKeyMaterial", KmsResource::Key, Write),
    kms("kms:ListAliases", KmsResource::None, List),
    kms("kms:ListGrants", KmsResource::Key, List),
    kms("kms:ListKeyPolicies", KmsResource::Key, List),
    kms("kms:ListKeyRotations", KmsResource::Key, List),
    kms("kms:ListKeys", KmsResource::None, List),
    kms("kms:ListResourceTags", KmsResource::Key, List),
    kms("kms:ListRetirableGrants", KmsResource::None, List),
    kms("kms:PutKeyPolicy", KmsResource::Key, Perm),
    kms("kms:ReEncryptFrom", KmsResource::Key, Write),
    kms("kms:ReEncryptTo", KmsResource::Key, Write),
    kms("kms:ReplicateKey", KmsResource::Key, Write),
    kms("kms:RetireGrant", KmsResource::Key, Perm),
    kms("kms:RevokeGrant", KmsResource::Key, Perm),
    kms("kms:RotateKeyOnDemand", KmsResource::Key, Write),
    kms("kms:ScheduleKeyDeletion", KmsResource::Key, Write),
    kms("kms:Sign", KmsResource::Key, Write),
    kms("kms:SynchronizeMultiRegionKey", KmsResource::Key, Write),
    kms("kms:TagResource", KmsResource::Key, Tagging),
    kms("kms:UntagResource", KmsResource::Key, Tagging),
    kms("kms:UpdateAlias", KmsResource::Alias, Write),
    kms("kms:UpdateCustomKeyStore", KmsResource::None, Write),
    kms("kms:UpdateKeyDescription", KmsResource::Key, Write),
    kms("kms:UpdatePrimaryRegion", KmsResource::Key, Write),
    kms("kms:Verify", KmsResource::Key, Write),
    kms("kms:VerifyMac", KmsResource::Key, Write),
];

/// Every `sts` action, sorted by ASCII-case-insensitive name.
pub static STS_ACTIONS: &[Action] = &[
    sts("sts:AssumeRole", StsResource::Role, Write),
    sts("sts:AssumeRoleWithSAML", StsResource::Role, Write),
    sts("sts:AssumeRoleWithWebIdentity", StsResource::Role, Write),
    sts("sts:AssumeRoot", StsResource::RootUser, Write),
    sts("sts:DecodeAuthorizationMessage", StsResource::None, Write),
    sts("sts:GetAccessKeyInfo", StsResource::None, Read),
    sts("sts:GetCallerIdentity", StsResource::None, Read),
    sts("sts:GetDelegatedAccessToken", StsResource::None, Write),
    sts("sts:GetFederationToken", StsResource::User, Write),
    sts("sts:GetServiceBearerToken", StsResource::None, Read),
    sts("sts:GetSessionToken", StsResource::None, Read),
    sts("sts:GetWebIdentityToken", StsResource::None, Write),
    sts("sts:SetContext", StsResource::Role, Write),
    sts("sts:SetSourceIdentity", StsResource::RoleOrUser, Write),
    sts("sts:TagGetWebIdentityToken", StsResource::None, Tagging),
    sts("sts:TagSession", StsResource::RoleOrUser, Tagging),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the capability table builds policies from.
    const CAPABILITY_ACTIONS: &[&str] = &[
        "s3:AbortMultipartUpload",
        "s3:DeleteObject",
        "s3:GetBucketLocation",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
        "s3:ListMultipartUploadParts",
        "s3:PutObject",
        "s3:ListAllMyBuckets",
        "kms:GenerateDataKey",
        "kms:Decrypt",
        "kms:Encrypt",
        "kms:ReEncryptFrom",
        "kms:ReEncryptTo",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:DescribeKey",
        "sts:AssumeRole",
    ];

    #[test]
    fn tables_are_sorted_and_unique() {
        for service in Service::ALL {
            let table = service.actions();
            for pair in table.windows(2) {
                assert_eq!(
                    cmp_ignore_ascii_case(pair[0].name, pair[1].name),
                    Ordering::Less,
                    "{} must sort before {}",
                    pair[0].name,
                    pair[1].name
                );
            }
        }
        let names: Vec<&str> = all().map(|a| a.name).collect();
        for pair in names.windows(2) {
            assert_eq!(cmp_ignore_ascii_case(pair[0], pair[1]), Ordering::Less);
        }
    }

    #[test]
    fn every_entry_is_well_formed_and_in_its_services_table() {
        for service in Service::ALL {
            for action in service.actions() {
                let (prefix, short) = action.name.split_once(':').expect("prefix");
                assert_eq!(prefix, service.prefix(), "{}", action.name);
                assert_eq!(action.service(), service, "{}", action.name);
                assert_eq!(action.short_name(), short);
                assert!(!short.contains(':'), "{}", action.name);
                assert!(short.starts_with(|c: char| c.is_ascii_uppercase()));
                assert!(short.chars().all(|c| c.is_ascii_alphanumeric()));
            }
        }
    }

    #[test]
    fn table_sizes() {
        assert_eq!(S3_ACTIONS.len(), 180);
        assert_eq!(KMS_ACTIONS.len(), 56);
        assert_eq!(STS_ACTIONS.len(), 16);
        assert_eq!(all().count(), 180 + 56 + 16);
    }

    #[test]
    fn s3_access_level_counts_match_the_reference() {
        // Per-level totals of the Service Authorization Reference's S3 table;
        // a mistyped level shows up here even when the total is right.
        let count = |level| S3_ACTIONS.iter().filter(|a| a.access == level).count();
        assert_eq!(count(Read), 66);
        assert_eq!(count(Write), 57);
        assert_eq!(count(List), 18);
        assert_eq!(count(Perm), 27);
        assert_eq!(count(Tagging), 12);
        let kms_count = |level| KMS_ACTIONS.iter().filter(|a| a.access == level).count();
        assert_eq!(kms_count(Read), 7);
        assert_eq!(kms_count(Write), 36);
        assert_eq!(kms_count(List), 7);
        assert_eq!(kms_count(Perm), 4);
        assert_eq!(kms_count(Tagging), 2);
    }

    #[test]
    fn capability_actions_are_present_with_exact_case() {
        for name in CAPABILITY_ACTIONS {
            let action = lookup(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(action.name, *name);
        }
    }

    #[test]
    fn seed_typos_are_absent() {
        assert!(lookup("s3:ListBucketMultipartUpload").is_none());
        assert!(lookup("ListMultipartUploadParts").is_none());
        assert!(all().all(|a| a.name != "s3:ListBucketMultipartUpload"));
    }

    #[test]
    fn lookup_ignores_case_and_rejects_non_actions() {
        let a = lookup("S3:getobject").unwrap();
        assert_eq!(a.name, "s3:GetObject");
        assert_eq!(lookup("KMS:DECRYPT").unwrap().name, "kms:Decrypt");
        assert_eq!(lookup("sts:assumerole").unwrap().name, "sts:AssumeRole");
        assert!(lookup("s3:Get*").is_none());
        assert!(lookup("s3:").is_none());
        assert!(lookup("").is_none());
        assert!(lookup("iam:PassRole").is_none());
        assert!(lookup(" s3:GetObject").is_none());
        assert!(lookup("s3:GetObject ").is_none());
    }

    #[test]
    fn resource_types_and_access_levels() {
        let get = |n| lookup(n).unwrap();
        assert_eq!(get("s3:GetObject").resource, ResourceType::S3(Object));
        assert_eq!(get("s3:GetObject").access, Read);
        assert_eq!(get("s3:ListBucket").resource, ResourceType::S3(Bucket));
        assert_eq!(get("s3:ListBucket").access, List);
        assert_eq!(get("s3:ListMultipartUploadParts").resource, ResourceType::S3(Object));
        assert_eq!(get("s3:ListAllMyBuckets").resource, ResourceType::S3(AccountWide));
        assert_eq!(get("s3:CreateJob").resource, ResourceType::S3(AccountWide));
        assert_eq!(get("s3:PutBucketPolicy").access, Perm);
        assert_eq!(get("s3:PutObjectTagging").access, Tagging);
        assert_eq!(get("kms:Decrypt").resource, ResourceType::Kms(KmsResource::Key));
        assert_eq!(get("kms:CreateAlias").resource, ResourceType::Kms(KmsResource::Alias));
        assert_eq!(get("kms:CreateKey").resource, ResourceType::Kms(KmsResource::None));
        assert_eq!(get("sts:AssumeRole").resource, ResourceType::Sts(StsResource::Role));
        assert_eq!(get("sts:GetCallerIdentity").resource, ResourceType::Sts(StsResource::None));
        let account_wide = get("s3:ListAllMyBuckets").resource;
        assert!(account_wide.requires_wildcard_resource());
        assert!(!get("s3:GetObject").resource.requires_wildcard_resource());
    }

    #[test]
    fn key_administration_follows_the_default_key_policy() {
        for admin in [
            "kms:CreateAlias",
            "kms:CreateGrant",
            "kms:DescribeKey",
            "kms:EnableKeyRotation",
            "kms:ListGrants",
            "kms:PutKeyPolicy",
            "kms:UpdateKeyDescription",
            "kms:RevokeGrant",
            "kms:DisableKey",
            "kms:GetKeyPolicy",
            "kms:DeleteAlias",
            "kms:TagResource",
            "kms:UntagResource",
            "kms:ScheduleKeyDeletion",
            "kms:CancelKeyDeletion",
            "kms:RotateKeyOnDemand",
            "KMS:putkeypolicy",
        ] {
            assert!(is_kms_key_administration(admin), "{admin}");
        }
        for not_admin in [
            "kms:Decrypt",
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "kms:ReEncryptFrom",
            "kms:Sign",
            "kms:RetireGrant",
            "kms:ImportKeyMaterial",
            "kms:ReplicateKey",
            "kms:CreateKeyz",
            "s3:PutObject",
            "kms:Create*",
            "",
        ] {
            assert!(!is_kms_key_administration(not_admin), "{not_admin}");
        }
    }

    #[test]
    fn default_key_policy_patterns_each_match_something() {
        for pattern in KMS_DEFAULT_KEY_ADMINISTRATOR_ACTIONS.iter().chain(KMS_DEFAULT_KEY_USER_ACTIONS) {
            assert!(KMS_ACTIONS.iter().any(|a| pattern_matches(pattern, a.name)), "{pattern}");
        }
    }

    #[test]
    fn cryptographic_operations_are_real_and_not_administration() {
        for name in KMS_CRYPTOGRAPHIC_OPERATIONS {
            assert_eq!(lookup(name).map(|a| a.name), Some(*name));
            assert!(!is_kms_key_administration(name), "{name}");
            assert!(is_kms_cryptographic_operation(name));
        }
        assert!(is_kms_cryptographic_operation("kms:decrypt"));
        assert!(!is_kms_cryptographic_operation("kms:DescribeKey"));
        assert!(!is_kms_cryptographic_operation("kms:PutKeyPolicy"));
    }

    #[test]
    fn service_prefixes() {
        assert_eq!(Service::from_prefix("S3"), Some(Service::S3));
        assert_eq!(Service::from_prefix("iam"), None);
        assert_eq!(Service::Kms.to_string(), "kms");
        assert_eq!(AccessLevel::PermissionsManagement.to_string(), "permissions management");
    }
}
