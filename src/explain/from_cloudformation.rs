//! Reads an emitted CloudFormation template back into the policies it grants.
//!
//! This is a reader of emitted files, not an emitter, and it never looks at the model: it knows what
//! CloudFormation does with a template (what `!Ref` returns for each resource type, how `!Sub` substitutes, what
//! the pseudo-parameters are where the stack is deployed) and turns the template's roles, managed policies,
//! bucket policies and key policies into concrete [`ModulePolicies`].
//! A key's ID is chosen by AWS at creation, so a created key gets the model's stand-in ID, named by its logical
//! ID (`KmsKey` is the module's main key, `LogKmsKey` the key named `log`).
//!
//! A module split into several stacks is read as one with [`read_stacks`], in deploy order: `!ImportValue` takes
//! the export of an earlier stack, and a name written as text finds the resource an earlier stack created.
//!
//! It fails closed: a resource type, property, top-level section or intrinsic function it does not read is an
//! error, because any of them might change who gets in.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use super::policies::{BucketPolicies, Environment, KeyPolicies, ModulePolicies, NamedPolicy, ReadError, ReadErrorKind, RolePolicies};
use crate::model::resource::identifier_words;

/// Top-level sections that cannot change what the stack creates. `Parameters` and `Transform` can, and are
/// refused. `Mappings` and `Conditions` are read only as far as they cannot: a resource's `Condition` and the
/// `Fn::If` and `Fn::FindInMap` functions are refused in resources, so a condition can only gate outputs or fail
/// the stack (the account guard), never change a policy.
const SECTIONS: &[&str] =
    &["AWSTemplateFormatVersion", "Description", "Metadata", "Rules", "Mappings", "Conditions", "Resources", "Outputs"];

/// Keys of a resource entry; `Condition` (which may leave a resource out) is refused.
const RESOURCE_KEYS: &[&str] = &["Type", "Properties", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Metadata"];

/// The resource types the reader knows, each with the properties it accepts. A property outside the list may
/// grant access the reader would miss (a role's inline `Policies`, a managed policy's `Users`), so it is refused.
fn known_properties(resource_type: &str) -> Option<&'static [&'static str]> {
    Some(match resource_type {
        "AWS::S3::Bucket" => &[
            "BucketName",
            "BucketEncryption",
            "PublicAccessBlockConfiguration",
            "OwnershipControls",
            "VersioningConfiguration",
            "LoggingConfiguration",
            "Tags",
        ],
        "AWS::S3::BucketPolicy" => &["Bucket", "PolicyDocument"],
        "AWS::IAM::Role" => &["RoleName", "Description", "AssumeRolePolicyDocument", "MaxSessionDuration", "Tags"],
        "AWS::IAM::ManagedPolicy" => &["ManagedPolicyName", "Description", "PolicyDocument", "Roles"],
        "AWS::KMS::Key" => &["Description", "EnableKeyRotation", "PendingWindowInDays", "KeyPolicy", "Tags"],
        "AWS::KMS::Alias" => &["AliasName", "TargetKeyId"],
        "AWS::IAM::InstanceProfile" => &["InstanceProfileName", "Roles"],
        _ => return None,
    })
}

/// One resource of the template.
struct Declared<'t> {
    id: &'t str,
    resource_type: &'t str,
    properties: Option<&'t serde_yaml::Mapping>,
    path: String,
}

impl<'t> Declared<'t> {
    fn property(&self, name: &str) -> Option<&'t Yaml> {
        self.properties.and_then(|properties| properties.get(name))
    }

    fn required(&self, name: &'static str) -> Result<&'t Yaml, ReadError> {
        self.property(name).ok_or_else(|| ReadError::new(format!("{}.Properties", self.path), ReadErrorKind::Missing(name)))
    }

    fn property_path(&self, name: &str) -> String {
        format!("{}.Properties.{name}", self.path)
    }
}

/// What `!Ref` and `!GetAtt` give for one resource.
struct Symbol {
    /// What `!Ref` returns, for the types where the reader knows it.
    reference: Option<String>,
    /// `!GetAtt` attributes by name.
    attributes: BTreeMap<&'static str, String>,
}

/// Reads one template, deployed as `environment` says.
///
/// # Errors
///
/// Returns an error when the template does not parse, or holds anything the reader does not read.
pub fn read(template: &str, environment: &Environment) -> Result<ModulePolicies, ReadError> {
    let mut module = Stacks::new(environment);
    module.read(template)?;
    Ok(module.policies)
}

/// Reads the templates of one module split into several stacks, given as (file name, text) in deploy order, as
/// one module: a resource of one stack may be named in another, and an `!ImportValue` takes the export of an
/// earlier stack, as CloudFormation gives it when the stacks are deployed in that order.
///
/// # Errors
///
/// Returns an error, with the file name before its path, when a template does not read as [`read`] says, an
/// import names no export of an earlier stack, two stacks declare the same logical ID or export name, or two
/// stacks create roles of the same name.
pub fn read_stacks<'t>(
    templates: impl IntoIterator<Item = (&'t str, &'t str)>,
    environment: &Environment,
) -> Result<ModulePolicies, ReadError> {
    let mut module = Stacks::new(environment);
    for (file, template) in templates {
        module.read(template).map_err(|error| ReadError::new(format!("{file}: {}", error.path), error.kind))?;
    }
    Ok(module.policies)
}

/// The stacks of one module read so far.
struct Stacks<'e> {
    environment: &'e Environment,
    policies: ModulePolicies,
    /// Every export of the stacks read so far: name to value.
    exports: BTreeMap<String, String>,
    /// Every logical ID of the stacks read so far. A created key's stand-in ID is named by its logical ID, so two
    /// stacks with the same logical ID would be read as one key.
    logical_ids: BTreeSet<String>,
}

impl<'e> Stacks<'e> {
    fn new(environment: &'e Environment) -> Stacks<'e> {
        Stacks {
            environment,
            policies: ModulePolicies {
                module: environment.module.clone(),
                account: environment.account.clone(),
                roles: Vec::new(),
                buckets: Vec::new(),
                keys: Vec::new(),
            },
            exports: BTreeMap::new(),
            logical_ids: BTreeSet::new(),
        }
    }

    fn read(&mut self, template: &str) -> Result<(), ReadError> {
        let environment = self.environment;
        let document: Yaml =
            serde_yaml::from_str(template).map_err(|error| ReadError::new("template", ReadErrorKind::Syntax(error.to_string())))?;
        let top = document.as_mapping().ok_or_else(|| ReadError::new("template", ReadErrorKind::WrongShape("a mapping")))?;
        for key in top.keys() {
            let key = key_text(key, "template")?;
            if !SECTIONS.contains(&key) {
                return Err(ReadError::new(key, ReadErrorKind::Unmodelled(key.to_owned())));
            }
        }
        let resources = top
            .get("Resources")
            .ok_or_else(|| ReadError::new("template", ReadErrorKind::Missing("Resources")))?
            .as_mapping()
            .ok_or_else(|| ReadError::new("Resources", ReadErrorKind::WrongShape("a mapping")))?;
        let declared = resources.iter().map(|(id, body)| declare(id, body)).collect::<Result<Vec<_>, _>>()?;
        for resource in &declared {
            if !self.logical_ids.insert(resource.id.to_owned()) {
                return Err(ReadError::new(&resource.path, ReadErrorKind::Duplicate(format!("logical ID {} in two stacks", resource.id))));
            }
        }

        let names = Resolver { environment, symbols: &BTreeMap::new(), imports: &self.exports };
        let symbols = declared.iter().map(|resource| Ok((resource.id.to_owned(), symbol(resource, &names)?))).collect::<Result<_, _>>()?;
        let resolver = Resolver { environment, symbols: &symbols, imports: &self.exports };

        let policies = &mut self.policies;
        for resource in &declared {
            match resource.resource_type {
                "AWS::IAM::Role" => {
                    let name = resolver.string(resource.required("RoleName")?, &resource.property_path("RoleName"))?;
                    if policies.roles.iter().any(|role| role.name == name) {
                        return Err(ReadError::new(resource.property_path("RoleName"), ReadErrorKind::Duplicate(format!("role {name}"))));
                    }
                    policies.roles.push(RolePolicies {
                        name,
                        arn: symbols[resource.id].attributes["Arn"].clone(),
                        trust_policy: resolver
                            .json(resource.required("AssumeRolePolicyDocument")?, &resource.property_path("AssumeRolePolicyDocument"))?,
                        policies: Vec::new(),
                    });
                }
                "AWS::S3::Bucket" => policies.buckets.push(BucketPolicies {
                    name: resolver.string(resource.required("BucketName")?, &resource.property_path("BucketName"))?,
                    policy: None,
                }),
                "AWS::KMS::Key" => policies.keys.push(KeyPolicies {
                    arn: symbols[resource.id].attributes["Arn"].clone(),
                    key_policy: resolver.json(resource.required("KeyPolicy")?, &resource.property_path("KeyPolicy"))?,
                }),
                _ => {}
            }
        }
        for resource in &declared {
            match resource.resource_type {
                "AWS::IAM::ManagedPolicy" => {
                    let name = resolver.string(resource.required("ManagedPolicyName")?, &resource.property_path("ManagedPolicyName"))?;
                    let document = resolver.json(resource.required("PolicyDocument")?, &resource.property_path("PolicyDocument"))?;
                    let roles_path = resource.property_path("Roles");
                    let roles = resource
                        .required("Roles")?
                        .as_sequence()
                        .ok_or_else(|| ReadError::new(&roles_path, ReadErrorKind::WrongShape("a list")))?;
                    for (index, role) in roles.iter().enumerate() {
                        let path = format!("{roles_path}[{index}]");
                        let role_name = resolver.string(role, &path)?;
                        if !policies.roles.iter().any(|candidate| candidate.name == role_name) {
                            // A role name written as text, not a `!Ref`, names a role the account already has (or
                            // one an earlier stack of the module created, found above).
                            if !matches!(role, Yaml::String(_)) {
                                return Err(ReadError::new(&path, ReadErrorKind::UnknownReference(role_name)));
                            }
                            policies.roles.push(super::policies::existing_role(environment, &role_name));
                        }
                        let role = policies
                            .roles
                            .iter_mut()
                            .find(|candidate| candidate.name == role_name)
                            .ok_or_else(|| ReadError::new(&path, ReadErrorKind::UnknownReference(role_name.clone())))?;
                        role.policies.push(NamedPolicy { name: name.clone(), document: document.clone() });
                    }
                }
                "AWS::S3::BucketPolicy" => {
                    let path = resource.property_path("Bucket");
                    let bucket_name = resolver.string(resource.required("Bucket")?, &path)?;
                    let document = resolver.json(resource.required("PolicyDocument")?, &resource.property_path("PolicyDocument"))?;
                    policies.attach_bucket_policy(bucket_name, document, &path)?;
                }
                _ => {}
            }
        }
        let exports = self.exports_of(top, &resolver)?;
        for (name, value) in exports {
            if self.exports.insert(name.clone(), value).is_some() {
                return Err(ReadError::new("Outputs", ReadErrorKind::Duplicate(format!("export {name}"))));
            }
        }
        Ok(())
    }

    /// The exports of one template, by name, for the stacks after it.
    fn exports_of(&self, top: &serde_yaml::Mapping, resolver: &Resolver<'_>) -> Result<Vec<(String, String)>, ReadError> {
        let Some(outputs) = top.get("Outputs") else { return Ok(Vec::new()) };
        let outputs = outputs.as_mapping().ok_or_else(|| ReadError::new("Outputs", ReadErrorKind::WrongShape("a mapping")))?;
        let mut exports = Vec::new();
        for (id, body) in outputs {
            let path = format!("Outputs.{}", key_text(id, "Outputs")?);
            let Some(name) = body.get("Export").and_then(|export| export.get("Name")) else { continue };
            // A name made with `${AWS::StackName}` depends on the stack name, which the reader is not given: such an
            // export cannot be looked up, and an import of it then fails as one of an unknown export.
            let Ok(name) = resolver.string(name, &format!("{path}.Export.Name")) else { continue };
            let value = body.get("Value").ok_or_else(|| ReadError::new(&path, ReadErrorKind::Missing("Value")))?;
            exports.push((name, resolver.string(value, &format!("{path}.Value"))?));
        }
        Ok(exports)
    }
}

fn key_text<'v>(key: &'v Yaml, path: &str) -> Result<&'v str, ReadError> {
    key.as_str().ok_or_else(|| ReadError::new(path, ReadErrorKind::WrongShape("string keys")))
}

fn declare<'t>(id: &'t Yaml, body: &'t Yaml) -> Result<Declared<'t>, ReadError> {
    let id = key_text(id, "Resources")?;
    let path = format!("Resources.{id}");
    let body = body.as_mapping().ok_or_else(|| ReadError::new(&path, ReadErrorKind::WrongShape("a mapping")))?;
    for key in body.keys() {
        let key = key_text(key, &path)?;
        if !RESOURCE_KEYS.contains(&key) {
            return Err(ReadError::new(&path, ReadErrorKind::Unmodelled(key.to_owned())));
        }
    }
    let resource_type = body
        .get("Type")
        .ok_or_else(|| ReadError::new(&path, ReadErrorKind::Missing("Type")))?
        .as_str()
        .ok_or_else(|| ReadError::new(format!("{path}.Type"), ReadErrorKind::WrongShape("a string")))?;
    let known =
        known_properties(resource_type).ok_or_else(|| ReadError::new(&path, ReadErrorKind::UnknownType(resource_type.to_owned())))?;
    let properties = match body.get("Properties") {
        None => None,
        Some(properties) => Some(
            properties.as_mapping().ok_or_else(|| ReadError::new(format!("{path}.Properties"), ReadErrorKind::WrongShape("a mapping")))?,
        ),
    };
    for key in properties.into_iter().flat_map(|properties| properties.keys()) {
        let key = key_text(key, &path)?;
        if !known.contains(&key) {
            return Err(ReadError::new(format!("{path}.Properties"), ReadErrorKind::Unmodelled(key.to_owned())));
        }
    }
    Ok(Declared { id, resource_type, properties, path })
}

/// What `!Ref` and `!GetAtt` return for a resource, from its name property (resolved without references to
/// other resources, as every name in an emitted template is).
fn symbol(resource: &Declared<'_>, names: &Resolver<'_>) -> Result<Symbol, ReadError> {
    let environment = names.environment;
    let name = |property: &'static str| names.string(resource.required(property)?, &resource.property_path(property));
    let mut attributes = BTreeMap::new();
    let reference = match resource.resource_type {
        "AWS::S3::Bucket" => {
            let bucket = name("BucketName")?;
            attributes.insert("Arn", environment.bucket_arn(&bucket));
            Some(bucket)
        }
        "AWS::IAM::Role" => {
            let role = name("RoleName")?;
            attributes.insert("Arn", environment.iam_arn(&format!("role/{role}")));
            Some(role)
        }
        // Ref of a managed policy is its ARN.
        "AWS::IAM::ManagedPolicy" => {
            let arn = environment.iam_arn(&format!("policy/{}", name("ManagedPolicyName")?));
            attributes.insert("PolicyArn", arn.clone());
            Some(arn)
        }
        "AWS::IAM::InstanceProfile" => {
            let profile = name("InstanceProfileName")?;
            attributes.insert("Arn", environment.iam_arn(&format!("instance-profile/{profile}")));
            Some(profile)
        }
        "AWS::KMS::Key" => {
            let words = resource
                .id
                .strip_suffix("KmsKey")
                .map(identifier_words)
                .ok_or_else(|| ReadError::new(&resource.path, ReadErrorKind::WrongShape("a KMS key logical ID ending in `KmsKey`")))?;
            let key_id = environment.stand_in_key_id(&words);
            attributes.insert("Arn", environment.key_arn(&key_id));
            attributes.insert("KeyId", key_id.clone());
            Some(key_id)
        }
        "AWS::KMS::Alias" => Some(name("AliasName")?),
        _ => None,
    };
    Ok(Symbol { reference, attributes })
}

/// Resolves intrinsic functions and pseudo-parameters into concrete JSON.
struct Resolver<'a> {
    environment: &'a Environment,
    symbols: &'a BTreeMap<String, Symbol>,
    /// The exports of the module's earlier stacks, by name.
    imports: &'a BTreeMap<String, String>,
}

impl Resolver<'_> {
    fn string(&self, value: &Yaml, path: &str) -> Result<String, ReadError> {
        match self.json(value, path)? {
            Json::String(text) => Ok(text),
            _ => Err(ReadError::new(path, ReadErrorKind::WrongShape("a string"))),
        }
    }

    fn json(&self, value: &Yaml, path: &str) -> Result<Json, ReadError> {
        Ok(match value {
            Yaml::Null => Json::Null,
            Yaml::Bool(flag) => Json::Bool(*flag),
            Yaml::Number(number) => {
                if let Some(integer) = number.as_i64() {
                    Json::from(integer)
                } else if let Some(integer) = number.as_u64() {
                    Json::from(integer)
                } else {
                    Json::from(number.as_f64().unwrap_or(f64::NAN))
                }
            }
            Yaml::String(text) => Json::String(text.clone()),
            Yaml::Sequence(items) => Json::Array(
                items.iter().enumerate().map(|(index, item)| self.json(item, &format!("{path}[{index}]"))).collect::<Result<_, _>>()?,
            ),
            Yaml::Mapping(map) => {
                if let [(Yaml::String(key), argument)] = map.iter().collect::<Vec<_>>().as_slice() {
                    if *key == "Ref" || key.starts_with("Fn::") {
                        return self.intrinsic(key, argument, path);
                    }
                }
                let mut object = serde_json::Map::new();
                for (key, item) in map {
                    let key = key_text(key, path)?;
                    object.insert(key.to_owned(), self.json(item, &format!("{path}.{key}"))?);
                }
                Json::Object(object)
            }
            Yaml::Tagged(tagged) => {
                let tag = tagged.tag.to_string();
                let name = match tag.trim_start_matches('!') {
                    "Ref" => "Ref".to_owned(),
                    other => format!("Fn::{other}"),
                };
                return self.intrinsic(&name, &tagged.value, path);
            }
        })
    }

    fn intrinsic(&self, name: &str, argument: &Yaml, path: &str) -> Result<Json, ReadError> {
        let unsupported = || ReadError::new(path, ReadErrorKind::Expression(format!("unsupported form of {name}")));
        match name {
            "Ref" => Ok(Json::String(self.reference(argument.as_str().ok_or_else(unsupported)?, path)?)),
            "Fn::GetAtt" => {
                let (id, attribute) = match argument {
                    Yaml::String(text) => text.split_once('.').ok_or_else(unsupported)?,
                    Yaml::Sequence(items) => match items.as_slice() {
                        [Yaml::String(id), Yaml::String(attribute)] => (id.as_str(), attribute.as_str()),
                        _ => return Err(unsupported()),
                    },
                    _ => return Err(unsupported()),
                };
                Ok(Json::String(self.attribute(id, attribute, path)?))
            }
            "Fn::Sub" => {
                let (text, variables) = match argument {
                    Yaml::String(text) => (text.as_str(), BTreeMap::new()),
                    Yaml::Sequence(items) => match items.as_slice() {
                        [Yaml::String(text), Yaml::Mapping(variables)] => {
                            let mut resolved = BTreeMap::new();
                            for (key, value) in variables {
                                let key = key_text(key, path)?;
                                resolved.insert(key.to_owned(), self.string(value, &format!("{path}.{key}"))?);
                            }
                            (text.as_str(), resolved)
                        }
                        _ => return Err(unsupported()),
                    },
                    _ => return Err(unsupported()),
                };
                Ok(Json::String(self.substitute(text, &variables, path)?))
            }
            "Fn::ImportValue" => {
                let name = self.string(argument, path)?;
                let value = self
                    .imports
                    .get(&name)
                    .ok_or_else(|| ReadError::new(path, ReadErrorKind::UnknownReference(format!("export {name}"))))?;
                Ok(Json::String(value.clone()))
            }
            other => Err(ReadError::new(path, ReadErrorKind::Expression(format!("intrinsic function {other} is not read")))),
        }
    }

    fn reference(&self, name: &str, path: &str) -> Result<String, ReadError> {
        let environment = self.environment;
        match name {
            "AWS::Partition" => return Ok(environment.partition.clone()),
            "AWS::AccountId" => return Ok(environment.account.clone()),
            "AWS::Region" => return Ok(environment.region.clone()),
            _ => {}
        }
        self.symbols
            .get(name)
            .and_then(|symbol| symbol.reference.clone())
            .ok_or_else(|| ReadError::new(path, ReadErrorKind::UnknownReference(name.to_owned())))
    }

    fn attribute(&self, id: &str, attribute: &str, path: &str) -> Result<String, ReadError> {
        self.symbols
            .get(id)
            .and_then(|symbol| symbol.attributes.get(attribute).cloned())
            .ok_or_else(|| ReadError::new(path, ReadErrorKind::UnknownReference(format!("{id}.{attribute}"))))
    }

    /// `Fn::Sub`: `${Name}` is a variable, a pseudo-parameter or a Ref, `${Id.Attribute}` a GetAtt, and `${!`
    /// is a literal `${`.
    fn substitute(&self, text: &str, variables: &BTreeMap<String, String>, path: &str) -> Result<String, ReadError> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            if let Some(literal) = after.strip_prefix('!') {
                out.push_str("${");
                rest = literal;
                continue;
            }
            let end =
                after.find('}').ok_or_else(|| ReadError::new(path, ReadErrorKind::Expression(format!("unclosed `${{` in {text:?}"))))?;
            let name = &after[..end];
            let value = match (variables.get(name), name.split_once('.')) {
                (Some(value), _) => value.clone(),
                (None, Some((id, attribute))) => self.attribute(id, attribute, path)?,
                (None, None) => self.reference(name, path)?,
            };
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn environment() -> Environment {
        Environment { module: "owner".into(), account: "111122223333".into(), region: "eu-west-1".into(), partition: "aws".into() }
    }

    fn error(template: &str) -> ReadError {
        read(template, &environment()).expect_err("the template is refused")
    }

    const ROLE: &str = "
Resources:
  AcmeRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: ACME-ExtRole
      AssumeRolePolicyDocument:
        Statement:
        - Effect: Allow
          Principal: { AWS: !Sub 'arn:${AWS::Partition}:iam::444455556666:root' }
          Action: sts:AssumeRole
";

    #[test]
    fn refs_getatts_and_subs_resolve_as_cloudformation_resolves_them() {
        let template = format!(
            "{ROLE}
  LogKmsKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
        - Effect: Allow
          Principal: {{ AWS: [!GetAtt AcmeRole.Arn, {{ 'Fn::GetAtt': [AcmeRole, Arn] }}] }}
          Action: kms:Decrypt
          Resource: '*'
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {{ BucketName: b }}
  AcmePolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: p
      Roles: [!Ref AcmeRole]
      PolicyDocument:
        Statement:
        - Effect: Allow
          Action: s3:GetObject
          Resource:
          - !Sub '${{Bucket.Arn}}/${{!literal}}/${{AWS::Region}}:${{AWS::AccountId}}:${{LogKmsKey}}'
          - !Sub ['${{Bucket}}-${{X}}', {{ X: !Ref Bucket }}]
          - {{ 'Fn::Sub': '${{LogKmsKey.Arn}}' }}
"
        );
        let policies = read(&template, &environment()).expect("the template reads");
        let role = &policies.roles[0];
        assert_eq!(role.arn, "arn:aws:iam::111122223333:role/ACME-ExtRole");
        assert_eq!(role.trust_policy["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::444455556666:root");
        let key_arn = "arn:aws:kms:eu-west-1:111122223333:key/bucketbridge-owner-log";
        assert_eq!(policies.keys[0].arn, key_arn);
        assert_eq!(policies.keys[0].key_policy["Statement"][0]["Principal"]["AWS"][1], role.arn.as_str());
        let resources = &role.policies[0].document["Statement"][0]["Resource"];
        assert_eq!(resources[0], "arn:aws:s3:::b/${literal}/eu-west-1:111122223333:bucketbridge-owner-log");
        assert_eq!(resources[1], "b-b");
        assert_eq!(resources[2], key_arn);
    }

    #[test]
    fn anything_that_might_change_access_and_is_not_read_is_refused() {
        let with = |extra: &str| format!("{ROLE}{extra}");
        let inline = with("      Policies: []\n");
        assert_eq!(error(&inline).kind, ReadErrorKind::Unmodelled("Policies".into()));
        let unknown_type = with("  Group:\n    Type: AWS::IAM::Group\n");
        assert_eq!(error(&unknown_type).kind, ReadErrorKind::UnknownType("AWS::IAM::Group".into()));
        let conditional = with("    Condition: IsProd\n");
        assert_eq!(error(&conditional).kind, ReadErrorKind::Unmodelled("Condition".into()));
        let parameters = format!("Parameters: {{}}\n{ROLE}");
        assert_eq!(error(&parameters).kind, ReadErrorKind::Unmodelled("Parameters".into()));
        let join = ROLE.replace("!Sub 'arn:${AWS::Partition}:iam::444455556666:root'", "!Join ['', [a, b]]");
        assert!(matches!(error(&join).kind, ReadErrorKind::Expression(_)));
        let dangling = ROLE.replace("${AWS::Partition}", "${Elsewhere.Arn}");
        assert_eq!(error(&dangling).kind, ReadErrorKind::UnknownReference("Elsewhere.Arn".into()));
        let unnamed = ROLE.replace("      RoleName: ACME-ExtRole\n", "");
        assert_eq!(error(&unnamed).kind, ReadErrorKind::Missing("RoleName"));
    }
}
