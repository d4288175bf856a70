//! Write-only CloudFormation template types.
//!
//! Keys are written in the canonical order (rain's `cft/format/sort.go`): the struct field order below.
//! Intrinsic functions are an enum whose variants are written as YAML tags, so `Intrinsic::Ref` prints as
//! `!Ref Bucket`; nothing is assembled as text. The types are written by [`super::yaml`]; they also implement
//! `Serialize`, with which serde_yaml writes the same bytes, as the tests check.

use std::borrow::Cow;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::yaml::{Context, Emitter, Yaml};

/// An ordered map: entries print in insertion order, whatever serde features other crates switch on. Keys are
/// mostly CloudFormation's own names, so a fixed key is borrowed rather than copied.
#[derive(Clone, Debug, Default)]
pub struct OrderedMap<V>(pub Vec<(Cow<'static, str>, V)>);

impl<V> OrderedMap<V> {
    /// An empty map.
    pub fn new() -> OrderedMap<V> {
        OrderedMap(Vec::new())
    }

    /// Appends an entry.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: V) {
        self.0.push((key.into(), value));
    }

    /// The same map with one more entry.
    pub fn with(mut self, key: impl Into<Cow<'static, str>>, value: V) -> OrderedMap<V> {
        self.insert(key, value);
        self
    }

    /// The same map with one more entry, given as a pair.
    pub fn with_entry(mut self, (key, value): (String, V)) -> OrderedMap<V> {
        self.0.push((key.into(), value));
        self
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(&**key, value)?;
        }
        map.end()
    }
}

/// A whole template.
#[derive(Debug, Serialize)]
pub struct Template {
    /// Always `2010-09-09`.
    #[serde(rename = "AWSTemplateFormatVersion")]
    pub format_version: &'static str,
    /// What the stack is.
    #[serde(rename = "Description")]
    pub description: String,
    /// Assertions checked before any resource is created.
    #[serde(rename = "Rules", skip_serializing_if = "OrderedMap::is_empty")]
    pub rules: OrderedMap<Rule>,
    /// Lookup tables: top-level key, then second-level key, then value.
    #[serde(rename = "Mappings", skip_serializing_if = "OrderedMap::is_empty")]
    pub mappings: OrderedMap<OrderedMap<OrderedMap<String>>>,
    /// Named conditions.
    #[serde(rename = "Conditions", skip_serializing_if = "OrderedMap::is_empty")]
    pub conditions: OrderedMap<Node>,
    /// Resources by logical ID, in model order.
    #[serde(rename = "Resources")]
    pub resources: OrderedMap<Resource>,
    /// Outputs by logical ID: the model's (with, in a split module, the exports later stacks import), sorted, then
    /// the account guard's.
    #[serde(rename = "Outputs", skip_serializing_if = "OrderedMap::is_empty")]
    pub outputs: OrderedMap<Output>,
}

/// A template rule.
#[derive(Debug, Serialize)]
pub struct Rule {
    /// Assertions, all of which must hold.
    #[serde(rename = "Assertions")]
    pub assertions: Vec<Assertion>,
}

/// One rule assertion.
#[derive(Debug, Serialize)]
pub struct Assertion {
    /// The condition.
    #[serde(rename = "Assert")]
    pub assert: Node,
    /// Shown when the condition fails.
    #[serde(rename = "AssertDescription")]
    pub description: String,
}

/// One resource.
#[derive(Debug, Serialize)]
pub struct Resource {
    /// `Retain` for resources that hold data.
    #[serde(rename = "DeletionPolicy", skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<&'static str>,
    /// `Retain` for resources that hold data.
    #[serde(rename = "UpdateReplacePolicy", skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<&'static str>,
    /// The resource type.
    #[serde(rename = "Type")]
    pub resource_type: &'static str,
    /// Properties.
    #[serde(rename = "Properties")]
    pub properties: OrderedMap<Node>,
}

/// One output.
#[derive(Debug, Serialize)]
pub struct Output {
    /// The condition under which the output exists.
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// What it is.
    #[serde(rename = "Description")]
    pub description: String,
    /// Its value.
    #[serde(rename = "Value")]
    pub value: Node,
    /// The export, so other stacks can import it.
    #[serde(rename = "Export", skip_serializing_if = "Option::is_none")]
    pub export: Option<Export>,
}

/// An output's export.
#[derive(Debug, Serialize)]
pub struct Export {
    /// The export name.
    #[serde(rename = "Name")]
    pub name: Node,
}

/// Any property value.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Node {
    /// A string; the many that are static (actions, statement IDs, keys of AWS's own) are borrowed.
    String(Cow<'static, str>),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(u64),
    /// A list.
    List(Vec<Node>),
    /// A map.
    Map(OrderedMap<Node>),
    /// An intrinsic function.
    Function(Intrinsic),
}

/// The intrinsic functions the emitter uses, written with their short-form tags.
#[derive(Clone, Debug, Serialize)]
pub enum Intrinsic {
    /// `!Ref name`.
    Ref(String),
    /// `!GetAtt Resource.Attribute`.
    GetAtt(String),
    /// `!Sub "text with ${Reference}"`.
    Sub(String),
    /// `!Equals [a, b]`.
    Equals(Vec<Node>),
    /// `!FindInMap [mapping, top-level key, second-level key]`.
    FindInMap(Vec<Node>),
    /// `!ImportValue name`: the value another stack exports under `name`.
    ImportValue(String),
    /// `!Sub [text, {Variable: value}]`: a substitution whose variables are not references in this template.
    #[serde(rename = "Sub")]
    SubWithVariables(Vec<Node>),
}

impl Node {
    /// A string node.
    pub fn string(text: impl Into<Cow<'static, str>>) -> Node {
        Node::String(text.into())
    }

    /// A map node from entries.
    pub fn map(entries: impl IntoIterator<Item = (&'static str, Node)>) -> Node {
        Node::Map(OrderedMap(entries.into_iter().map(|(key, value)| (Cow::Borrowed(key), value)).collect()))
    }
}

impl<V: Yaml> Yaml for OrderedMap<V> {
    fn write(&self, emitter: &mut Emitter, _context: Context) {
        emitter.mapping(None, self.is_empty(), |emitter| {
            for (key, value) in &self.0 {
                emitter.entry(key, value);
            }
        });
    }
}

impl Template {
    /// Writes the entries before `Resources`, into the template's mapping, so `Resources` and `Outputs` can be
    /// entries written once beforehand (see [`Emitter::written_entries`]).
    pub fn write_head(&self, emitter: &mut Emitter) {
        emitter.entry("AWSTemplateFormatVersion", self.format_version);
        emitter.entry("Description", &self.description);
        if !self.rules.is_empty() {
            emitter.entry("Rules", &self.rules);
        }
        if !self.mappings.is_empty() {
            emitter.entry("Mappings", &self.mappings);
        }
        if !self.conditions.is_empty() {
            emitter.entry("Conditions", &self.conditions);
        }
    }
}

impl Yaml for Template {
    fn write(&self, emitter: &mut Emitter, _context: Context) {
        emitter.mapping(None, false, |emitter| {
            self.write_head(emitter);
            emitter.entry("Resources", &self.resources);
            if !self.outputs.is_empty() {
                emitter.entry("Outputs", &self.outputs);
            }
        });
    }
}

impl Yaml for Rule {
    fn write(&self, emitter: &mut Emitter, _context: Context) {
        emitter.mapping(None, false, |emitter| emitter.entry("Assertions", &self.assertions));
    }
}

impl Yaml for Assertion {
    fn write(&self, emitter: &mut Emitter, _context: Context) {
        emitter.mapping(None, false, |emitter| {
            emitter.entry("Assert", &self.assert);
            emitter.entry("AssertDescription", &self.description);
        });
    }
}

impl Yaml for Resource {
    fn write(&self, emitter: &mut Emitter, _context: Context) {
        emitter.mapping(None, false, |emitter| {
            if let Some(policy) = self.deletion_policy {
                emitter.entry("DeletionPolicy", policy);
            }
            if let Some(policy) = self.update_replace_policy {
                emitter.entry("UpdateReplacePolicy", policy);
            }
            emitter.entry("Type", self.resource_type);
            emitter.entry("Properties", &self.properties);
        });
    }
}

impl Yaml for Output {
    fn write(&self, emitter: &mut Emitter, _context: Context) {
        emitter.mapping(None, false, |emitter| {
            if let Some(condition) = &self.condition {
                emitter.entry("Condition", condition);
            }
            emitter.entry("Description", &self.description);
            emitter.entry("Value", &self.value);
            if let Some(export) = &self.export {
                emitter.entry("Export", export);
            }
        });
    }
}

impl Yaml for Export {
    fn write(&self, emitter: &mut Emitter, _context: Context) {
        emitter.mapping(None, false, |emitter| emitter.entry("Name", &self.name));
    }
}

impl Yaml for Node {
    fn write(&self, emitter: &mut Emitter, context: Context) {
        match self {
            Node::String(text) => emitter.string(None, text, context),
            Node::Bool(value) => value.write(emitter, context),
            Node::Integer(value) => value.write(emitter, context),
            Node::List(items) => items.write(emitter, context),
            Node::Map(map) => map.write(emitter, context),
            Node::Function(function) => function.write(emitter, context),
        }
    }
}

impl Yaml for Intrinsic {
    fn write(&self, emitter: &mut Emitter, context: Context) {
        let (tag, argument) = match self {
            Intrinsic::Ref(text) => ("Ref", Ok(text)),
            Intrinsic::GetAtt(text) => ("GetAtt", Ok(text)),
            Intrinsic::Sub(text) => ("Sub", Ok(text)),
            Intrinsic::ImportValue(text) => ("ImportValue", Ok(text)),
            Intrinsic::Equals(items) => ("Equals", Err(items)),
            Intrinsic::FindInMap(items) => ("FindInMap", Err(items)),
            Intrinsic::SubWithVariables(items) => ("Sub", Err(items)),
        };
        match argument {
            Ok(text) => emitter.string(Some(tag), text, context),
            Err(items) => emitter.sequence(Some(tag), items.is_empty(), context, |emitter| {
                for item in items {
                    emitter.item(item);
                }
            }),
        }
    }
}
