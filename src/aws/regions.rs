//! AWS Region codes and the partition each belongs to.
//!
//! A cross-account grant only works inside one partition: an ARN starts with
//! `arn:<partition>:`, and a role in `aws-cn` cannot be trusted by a bucket in
//! `aws`. So the generator needs the partition of every Region a blueprint
//! names, and the prefix to build ARNs with.
//!
//! Covered: the commercial partition `aws`, China `aws-cn`, AWS `GovCloud` (US)
//! `aws-us-gov`, and the AWS European Sovereign Cloud `aws-eusc`. Left out on
//! purpose: the isolated partitions (`aws-iso`, `aws-iso-b`, `aws-iso-e`,
//! `aws-iso-f`), whose Regions are not publicly reachable and whose service
//! lists differ; a blueprint naming one of their Regions is rejected as
//! unknown. Region list as of early 2026 (last additions: `mx-central-1`,
//! `ap-southeast-7`, `ap-east-2`, `ap-southeast-6`, `eusc-de-east-1`).

use std::fmt;

/// An AWS partition: a group of Regions sharing an ARN prefix, an IAM and a
/// DNS suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Partition {
    /// The commercial partition, `aws`.
    Aws,
    /// The China Regions, `aws-cn` (operated separately; needs its own account).
    AwsCn,
    /// AWS `GovCloud` (US), `aws-us-gov`.
    AwsUsGov,
    /// The AWS European Sovereign Cloud, `aws-eusc`.
    AwsEusc,
}

impl Partition {
    /// Every partition covered here, in a fixed order.
    pub const ALL: [Partition; 4] = [Partition::Aws, Partition::AwsCn, Partition::AwsUsGov, Partition::AwsEusc];

    /// The partition's identifier as it appears in ARNs (`"aws-cn"`).
    #[must_use]
    pub const fn id(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsEusc => "aws-eusc",
        }
    }

    /// The start of every ARN in this partition, up to and including the
    /// colon after the partition: `"arn:aws-cn:"`.
    #[must_use]
    pub const fn arn_prefix(self) -> &'static str {
        match self {
            Partition::Aws => "arn:aws:",
            Partition::AwsCn => "arn:aws-cn:",
            Partition::AwsUsGov => "arn:aws-us-gov:",
            Partition::AwsEusc => "arn:aws-eusc:",
        }
    }

    /// The DNS suffix of the partition's service endpoints
    /// (`"amazonaws.com.cn"`), used in service principals and endpoints.
    #[must_use]
    pub const fn dns_suffix(self) -> &'static str {
        match self {
            Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
            Partition::AwsCn => "amazonaws.com.cn",
            Partition::AwsEusc => "amazonaws.eu",
        }
    }

    /// The partition whose identifier is `id` (`"aws-us-gov"`), exactly.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Partition> {
        Partition::ALL.into_iter().find(|p| p.id() == id)
    }

    /// The Regions of this partition, in [`REGIONS`] order.
    pub fn regions(self) -> impl Iterator<Item = &'static Region> {
        REGIONS.iter().filter(move |r| r.partition == self)
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One AWS Region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    /// The Region code, e.g. `eu-west-1`.
    pub code: &'static str,
    /// The partition the Region belongs to.
    pub partition: Partition,
    /// AWS's display name, e.g. `Europe (Ireland)`.
    pub name: &'static str,
}

const fn r(code: &'static str, partition: Partition, name: &'static str) -> Region {
    Region { code, partition, name }
}

use Partition::{Aws, AwsCn, AwsEusc, AwsUsGov};

/// Every Region covered, sorted by code (byte order, all lowercase ASCII).
pub static REGIONS: &[Region] = &[
    r("af-south-1", Aws, "Africa (Cape Town)"),
    r("ap-east-1", Aws, "Asia Pacific (Hong Kong)"),
    r("ap-east-2", Aws, "Asia Pacific (Taipei)"),
    r("ap-northeast-1", Aws, "Asia Pacific (Tokyo)"),
    r("ap-northeast-2", Aws, "Asia Pacific (Seoul)"),
    r("ap-northeast-3", Aws, "Asia Pacific (Osaka)"),
    r("ap-south-1", Aws, "Asia Pacific (Mumbai)"),
    r("ap-south-2", Aws, "Asia Pacific (Hyderabad)"),
    r("ap-southeast-1", Aws, "Asia Pacific (Singapore)"),
    r("ap-southeast-2", Aws, "Asia Pacific (Sydney)"),
    r("ap-southeast-3", Aws, "Asia Pacific (Jakarta)"),
    r("ap-southeast-4", Aws, "Asia Pacific (Melbourne)"),
    r("ap-southeast-5", Aws, "Asia Pacific (Malaysia)"),
    r("ap-southeast-6", Aws, "Asia Pacific (New Zealand)"),
    r("ap-southeast-7", Aws, "Asia Pacific (Thailand)"),
    r("ca-central-1", Aws, "Canada (Central)"),
    r("ca-west-1", Aws, "Canada West (Calgary)"),
    r("cn-north-1", AwsCn, "China (Beijing)"),
    r("cn-northwest-1", AwsCn, "China (Ningxia)"),
    r("eu-central-1", Aws, "Europe (Frankfurt)"),
    r("eu-central-2", Aws, "Europe (Zurich)"),
    r("eu-north-1", Aws, "Europe (Stockholm)"),
    r("eu-south-1", Aws, "Europe (Milan)"),
    r("eu-south-2", Aws, "Europe (Spain)"),
    r("eu-west-1", Aws, "Europe (Ireland)"),
    r("eu-west-2", Aws, "Europe (London)"),
    r("eu-west-3", Aws, "Europe (Paris)"),
    r("eusc-de-east-1", AwsEusc, "AWS European Sovereign Cloud (Germany)"),
    r("il-central-1", Aws, "Israel (Tel Aviv)"),
    r("me-central-1", Aws, "Middle East (UAE)"),
    r("me-south-1", Aws, "Middle East (Bahrain)"),
    r("mx-central-1", Aws, "Mexico (Central)"),
    r("sa-east-1", Aws, "South America (São Paulo)"),
    r("us-east-1", Aws, "US East (N. Virginia)"),
    r("us-east-2", Aws, "US East (Ohio)"),
    r("us-gov-east-1", AwsUsGov, "AWS GovCloud (US-East)"),
    r("us-gov-west-1", AwsUsGov, "AWS GovCloud (US-West)"),
    r("us-west-1", Aws, "US West (N. California)"),
    r("us-west-2", Aws, "US West (Oregon)"),
];

/// The Region whose code is exactly `code` (Region codes are lowercase; no
/// case folding, so `US-EAST-1` is not found and a caller can suggest
/// `us-east-1`).
#[must_use]
pub fn lookup(code: &str) -> Option<&'static Region> {
    REGIONS.binary_search_by(|r| r.code.cmp(code)).ok().map(|i| &REGIONS[i])
}

/// The partition of the Region `code`, or `None` for a code not covered here
/// (a typo, an isolated-partition Region, or a Region newer than this table).
#[must_use]
pub fn partition_of(code: &str) -> Option<Partition> {
    lookup(code).map(|r| r.partition)
}

/// Every Region code, sorted, for "did you mean" suggestions.
pub fn region_codes() -> impl Iterator<Item = &'static str> {
    REGIONS.iter().map(|r| r.code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_sorted_unique_and_well_formed() {
        for pair in REGIONS.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} / {}", pair[0].code, pair[1].code);
        }
        for region in REGIONS {
            let code = region.code;
            let allowed = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
            assert!(code.bytes().all(allowed), "{code}");
            let number = code.rsplit('-').next().unwrap();
            assert!(number.parse::<u8>().is_ok(), "{code}");
        }
    }

    #[test]
    fn counts_per_partition() {
        assert_eq!(Partition::Aws.regions().count(), 34);
        assert_eq!(Partition::AwsCn.regions().count(), 2);
        assert_eq!(Partition::AwsUsGov.regions().count(), 2);
        assert_eq!(Partition::AwsEusc.regions().count(), 1);
        assert_eq!(region_codes().count(), REGIONS.len());
    }

    #[test]
    fn partition_of_known_and_unknown_regions() {
        assert_eq!(partition_of("us-east-1"), Some(Partition::Aws));
        assert_eq!(partition_of("eu-west-1"), Some(Partition::Aws));
        assert_eq!(partition_of("mx-central-1"), Some(Partition::Aws));
        assert_eq!(partition_of("cn-north-1"), Some(Partition::AwsCn));
        assert_eq!(partition_of("cn-northwest-1"), Some(Partition::AwsCn));
        assert_eq!(partition_of("us-gov-west-1"), Some(Partition::AwsUsGov));
        assert_eq!(partition_of("eusc-de-east-1"), Some(Partition::AwsEusc));
        assert_eq!(partition_of("us-iso-east-1"), None);
        assert_eq!(partition_of("us-east-3"), None);
        assert_eq!(partition_of("US-EAST-1"), None);
        assert_eq!(partition_of(""), None);
    }

    #[test]
    fn partition_helpers() {
        assert_eq!(Partition::Aws.arn_prefix(), "arn:aws:");
        assert_eq!(Partition::AwsCn.arn_prefix(), "arn:aws-cn:");
        assert_eq!(Partition::AwsUsGov.arn_prefix(), "arn:aws-us-gov:");
        for p in Partition::ALL {
            assert_eq!(p.arn_prefix(), format!("arn:{}:", p.id()));
            assert_eq!(Partition::from_id(p.id()), Some(p));
            assert_eq!(p.to_string(), p.id());
        }
        assert_eq!(Partition::AwsCn.dns_suffix(), "amazonaws.com.cn");
        assert_eq!(Partition::from_id("aws-iso"), None);
        assert_eq!(lookup("eu-west-1").unwrap().name, "Europe (Ireland)");
    }
}
