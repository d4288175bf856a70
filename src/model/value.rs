//! Symbolic values: strings that may depend on where a module is deployed.
//!
//! An ARN such as "this bucket's objects under `incoming/`" is known to the model only symbolically:
//! the partition comes from the deploying account, the bucket ARN from the bucket resource.
//! A [`Value`] keeps those parts apart so each emitter can translate them into its own reference syntax
//! (`${aws_s3_bucket.this.arn}` in Terraform, `${Bucket.Arn}` in CloudFormation), and so the access
//! evaluator can resolve them into concrete ARNs.
//! This module knows no target syntax.

use std::sync::Arc;

use super::resource::ResourceId;

/// A string made of literal text and symbolic parts, in order.
///
/// Clones share the parts: the same ARN (the bucket's, a role's) is named by many statements, which at 10,000
/// clients would otherwise be tens of thousands of copies.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Value {
    /// The parts, in the order they are concatenated; adjacent literals are merged on construction.
    parts: Arc<[Part]>,
}

/// One piece of a [`Value`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// Text used as written.
    Literal(String),
    /// The AWS partition of the deploying account (`aws`, `aws-cn`, `aws-us-gov`).
    Partition,
    /// The account the module is deployed into.
    AccountId,
    /// The region the module is deployed into.
    Region,
    /// An attribute of a resource the same module creates.
    Ref(ResourceRef),
}

/// An attribute of a resource in the same module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceRef {
    /// The resource referred to.
    pub resource: ResourceId,
    /// Which of its attributes.
    pub attribute: Attribute,
}

/// The attributes of a resource that other resources refer to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attribute {
    /// Its ARN.
    Arn,
    /// Its name (bucket name, role name, instance profile name, alias name).
    Name,
    /// A KMS key's key ID.
    KeyId,
}

impl Value {
    /// A value that is exactly this text.
    pub fn literal(text: impl Into<String>) -> Value {
        Value { parts: Arc::new([Part::Literal(text.into())]) }
    }

    /// A value that is one attribute of a resource in the same module.
    pub fn reference(resource: ResourceId, attribute: Attribute) -> Value {
        Value { parts: Arc::new([Part::Ref(ResourceRef { resource, attribute })]) }
    }

    /// A value built from parts; adjacent literals are merged and empty literals dropped,
    /// so two values that print the same compare equal.
    pub fn from_parts(parts: impl IntoIterator<Item = Part>) -> Value {
        let mut merged: Vec<Part> = Vec::new();
        for part in parts {
            match (merged.last_mut(), part) {
                (_, Part::Literal(text)) if text.is_empty() => {}
                (Some(Part::Literal(previous)), Part::Literal(text)) => previous.push_str(&text),
                (_, part) => merged.push(part),
            }
        }
        Value { parts: merged.into() }
    }

    /// This value followed by literal text.
    pub fn with_suffix(&self, suffix: &str) -> Value {
        Value::from_parts(self.parts.iter().cloned().chain([Part::Literal(suffix.to_owned())]))
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The literal text, when the value has no symbolic part.
    pub fn as_literal(&self) -> Option<&str> {
        match &*self.parts {
            [] => Some(""),
            [Part::Literal(text)] => Some(text),
            _ => None,
        }
    }

    /// The resource reference, when the value is exactly one attribute of one resource.
    pub fn as_reference(&self) -> Option<&ResourceRef> {
        match &*self.parts {
            [Part::Ref(reference)] => Some(reference),
            _ => None,
        }
    }

    /// Every resource this value refers to, in order of appearance.
    pub fn references(&self) -> impl Iterator<Item = &ResourceRef> {
        self.parts.iter().filter_map(|part| match part {
            Part::Ref(reference) => Some(reference),
            _ => None,
        })
    }

    /// The value as concrete text, with each symbolic part given by `resolve`.
    pub fn resolve(&self, resolve: &dyn Fn(&Part) -> String) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.clone(),
                other => resolve(other),
            })
            .collect()
    }
}

/// Builds ARNs in the deploying account's partition.
pub mod arn {
    use super::{Part, Value};

    /// `arn:<partition>:<rest>`.
    pub fn in_partition(rest: &str) -> Value {
        Value::from_parts([Part::Literal("arn:".into()), Part::Partition, Part::Literal(format!(":{rest}"))])
    }

    /// The ARN of a bucket that this module does not create.
    pub fn bucket(name: &str) -> Value {
        in_partition(&format!("s3:::{name}"))
    }

    /// The account root principal, which delegates the decision to the account's own IAM policies.
    pub fn account_root(account: &str) -> Value {
        in_partition(&format!("iam::{account}:root"))
    }

    /// The ARN of a role in another account.
    pub fn role(account: &str, name: &str) -> Value {
        in_partition(&format!("iam::{account}:role/{name}"))
    }

    /// The ARN of a KMS alias in the deploying account and region.
    pub fn alias_in_this_account(alias_name: &str) -> Value {
        Value::from_parts([
            Part::Literal("arn:".into()),
            Part::Partition,
            Part::Literal(":kms:".into()),
            Part::Region,
            Part::Literal(":".into()),
            Part::AccountId,
            Part::Literal(format!(":{alias_name}")),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_literals_merge_so_equal_text_compares_equal() {
        let built = Value::from_parts([
            Part::Literal("arn:".into()),
            Part::Literal(String::new()),
            Part::Partition,
            Part::Literal(":s3".into()),
            Part::Literal(":::b".into()),
        ]);
        assert_eq!(built, arn::bucket("b"));
        assert_eq!(built.parts().len(), 3);
    }

    #[test]
    fn resolve_substitutes_symbolic_parts() {
        let value = arn::role("444455556666", "r");
        let text = value.resolve(&|part| match part {
            Part::Partition => "aws-cn".into(),
            _ => unreachable!("only the partition is symbolic here"),
        });
        assert_eq!(text, "arn:aws-cn:iam::444455556666:role/r");
    }

    #[test]
    fn literal_and_reference_views() {
        assert_eq!(Value::literal("x").as_literal(), Some("x"));
        assert_eq!(arn::bucket("b").as_literal(), None);
        assert!(arn::bucket("b").as_reference().is_none());
    }
}
