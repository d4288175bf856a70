//! The CloudFormation emitter: one YAML template per module.
//!
//! A translation of the model: resources map to CloudFormation resource types, values to `!Ref`, `!GetAtt`
//! and `!Sub`, policy documents to `PolicyDocument` maps. The wrong-account guard is a template `Rules`
//! assertion on `AWS::AccountId` and `AWS::Region`, which CloudFormation checks before it creates anything, and
//! a second one that needs no `Rules` support: a condition that looks the account and region up in the
//! template's `Mappings`, which fails the stack operation anywhere else, also before anything is created.

pub mod split;
pub mod template;
pub mod yaml;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use crate::model::policy::{POLICY_VERSION, PolicyDocument, Principal};
use crate::model::resource::{BucketEncryption, Resource as ModelResource, ResourceId, ResourceKind, Tags, pascal_case};
use crate::model::value::{Attribute, Part, Value, arn};
use crate::model::{Deployment, Module, Output as ModelOutput};

use split::{Filling, Limits, Weight};
use template::{Assertion, Export, Intrinsic, Node, OrderedMap, Output, Resource, Rule, Template};
use yaml::Emitter;

/// One template of a module: the file written under `cloudformation/`, and what it holds for the README.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stack {
    /// The file name: `<module>.yaml` when the module fits one template, otherwise `<module>-<n>.yaml`, numbered
    /// from 1 in deploy order ([`stack_number`]).
    pub file: String,
    /// The stack name the README deploys the template as: `<blueprint>-<module>`, or `<blueprint>-<module>-<n>`.
    pub stack_name: String,
    /// The template, starting with the generated-file header. A writer may take it (the README needs only
    /// [`Stack::bytes`]).
    pub text: String,
    /// The template's size in bytes, which decides whether it can be passed to CloudFormation inline.
    pub bytes: usize,
    /// The resources it creates, as (logical ID, resource type), in model order.
    pub resources: Vec<(String, &'static str)>,
    /// The logical IDs of the model's outputs it holds, sorted.
    pub outputs: Vec<String>,
    /// The exports of earlier stacks it imports, as (export name, file of the stack that exports it), sorted.
    pub imports: Vec<(String, String)>,
}

/// [`emit_each`] within `limits`, collected: a test can split a small module.
///
/// # Panics
///
/// As [`emit_each`].
pub fn emit_within(deployment: &Deployment, module: &Module, limits: &Limits) -> Vec<Stack> {
    let mut stacks = Vec::new();
    emit_each(deployment, module, limits, &mut |stack| {
        stacks.push(stack);
        true
    });
    stacks
}

/// The templates of one module within `limits` (`Limits::CLOUDFORMATION` for AWS's own), in deploy order: one
/// when the module fits them (every shipped example does), several stacks otherwise.
///
/// A module is split in model order, which is dependency order, so each stack refers only to itself and to the
/// stacks before it (see [`split`]). A reference to an earlier stack is written as text when CloudFormation
/// would return a value the model already knows (a bucket, role, policy, instance profile or alias name, and
/// the ARNs built from them); a value AWS chooses (a created key's ID and ARN) is exported by the stack that
/// creates it, under a name made of the blueprint, module, logical ID and attribute, and imported where needed.
///
/// Each stack goes to `each` as soon as it is full, before the next is written, so that the emitter and a writer
/// hold one template at a time (a 10,000-client module is 77 MB of templates); emitting stops early when `each`
/// returns `false`.
///
/// # Panics
///
/// When one resource with its outputs does not fit an empty template, or a stack breaks a limit after all: both
/// are internal errors.
pub fn emit_each(deployment: &Deployment, module: &Module, limits: &Limits, each: &mut dyn FnMut(Stack) -> bool) {
    let plan = Plan::new(deployment, module);
    // Every template has one output more than the model's: the account guard's.
    let counts = Weight { resources: plan.created.len(), outputs: module.outputs.len() + 1, bytes: 0 };
    // The counts alone can rule one template out, without writing it.
    if limits.hold(counts) {
        let whole = plan.render_whole();
        if limits.hold(Weight { bytes: whole.text.len(), ..counts }) {
            each(whole);
            return;
        }
    }
    plan.render_split(limits, each);
}

/// A module prepared for emitting, whole or split.
struct Plan<'m> {
    deployment: &'m Deployment,
    module: &'m Module,
    /// The resources the template creates, in model order: every one but the existing roles, which
    /// CloudFormation cannot look up, so they are written by name wherever they are referred to.
    created: Vec<&'m ModelResource>,
    /// The position in `created` of each created resource.
    positions: BTreeMap<&'m ResourceId, usize>,
    /// The names of the existing roles.
    existing: BTreeMap<&'m ResourceId, &'m str>,
    /// For each model output (in model order), the position of the created resource whose stack holds it.
    anchors: Vec<usize>,
}

impl<'m> Plan<'m> {
    fn new(deployment: &'m Deployment, module: &'m Module) -> Plan<'m> {
        let created: Vec<&ModelResource> =
            module.resources.iter().filter(|resource| !matches!(resource, ModelResource::ExistingRole(_))).collect();
        let positions = created.iter().enumerate().map(|(position, resource)| (resource.id(), position)).collect();
        let existing = module
            .resources
            .iter()
            .filter_map(|resource| match resource {
                ModelResource::ExistingRole(role) => Some((&role.id, role.name.as_str())),
                _ => None,
            })
            .collect();
        let mut plan = Plan { deployment, module, created, positions, existing, anchors: Vec::new() };
        plan.anchors = plan.output_anchors();
        plan
    }

    /// An output goes with the last created resource it refers to. One that refers to none (a client's external
    /// ID) goes with the next output that does, in model order (by name, so with that client's role ARN), or
    /// with the one before when none follows.
    fn output_anchors(&self) -> Vec<usize> {
        let own: Vec<Option<usize>> = self
            .module
            .outputs
            .iter()
            .map(|output| output.value.references().filter_map(|reference| self.positions.get(&reference.resource).copied()).max())
            .collect();
        (0..own.len())
            .map(|index| {
                own[index]
                    .or_else(|| own[index..].iter().flatten().next().copied())
                    .or_else(|| own[..index].iter().flatten().next_back().copied())
                    .unwrap_or(0)
            })
            .collect()
    }

    /// For each created resource, the attributes other stacks would import, each with the position of the last
    /// resource that would import it, itself or through an output anchored to it ([`Plan::output_anchors`]).
    /// A reference imports when its resource is in another stack and no name the model knows gives the attribute
    /// ([`known_attribute`]), so this is found by noting the imports of every value a resource or output is written
    /// with, as if everything it refers to were in another stack. Only the values: translating whole resources for
    /// this cost a split module as much as a fifth of its emitting.
    fn importers(&self) -> Vec<BTreeMap<Attribute, usize>> {
        let all_in_the_first = vec![0; self.created.len()];
        let everywhere_else = Values::split(self, &all_in_the_first, usize::MAX);
        let mut importers = vec![BTreeMap::new(); self.created.len()];
        let mut note = |referrer: usize, imports: BTreeSet<(usize, Attribute)>| {
            for (position, attribute) in imports {
                let last = importers[position].entry(attribute).or_insert(referrer);
                *last = referrer.max(*last);
            }
        };
        for (referrer, resource) in self.created.iter().enumerate() {
            for value in translated_values(resource) {
                everywhere_else.note_imports(&value);
            }
            note(referrer, everywhere_else.imports.take());
        }
        for (output, anchor) in self.module.outputs.iter().zip(&self.anchors) {
            everywhere_else.note_imports(&output.value);
            note(*anchor, everywhere_else.imports.take());
        }
        importers
    }

    fn render_whole(&self) -> Stack {
        let values = Values::whole(self);
        let resources: Vec<(Entry, &'static str)> = self.created.iter().map(|resource| resource_entry(resource, &values)).collect();
        let outputs: Vec<Entry> = self.module.outputs.iter().map(|output| output_entry(output, &values)).collect();
        let text = self.text(None, resources.iter().map(|(entry, _)| entry.text.as_str()), outputs.iter().map(|entry| entry.text.as_str()));
        Stack {
            file: format!("{}.yaml", self.module.name),
            stack_name: format!("{}-{}", self.deployment.name, self.module.name),
            bytes: text.len(),
            text,
            resources: resources.into_iter().map(|(entry, resource_type)| (entry.id, resource_type)).collect(),
            outputs: outputs.into_iter().map(|entry| entry.id).collect(),
            imports: Vec::new(),
        }
    }

    /// The stacks of a split module, filled greedily within `limits` in model order, each handed to `each` when it
    /// is closed, so that the emitter and a writer hold one stack at a time; emitting stops early when `each`
    /// returns `false`.
    ///
    /// Each created resource is written once, with the model outputs that go with it, as it stands in the stack
    /// being filled (its length is its weight); it stays there when the stack keeps within `limits`, and is
    /// written again for the next stack otherwise, where its references to the stack it left become imports or
    /// names. A stack is closed when the next resource does not fit it: nothing in a stack depends on how many
    /// stacks follow it, so it can be written then.
    ///
    /// A stack exports the attributes of its resources that later stacks import. Every resource after a stack is in
    /// a later one, so those are the attributes whose last importer ([`Plan::importers`]) lies beyond it: they are
    /// known when the stack is closed, before the stacks that import them are written. Room for them is kept as
    /// each resource is placed, since the stack is closed by the time a later stack imports them.
    fn render_split(&self, limits: &Limits, each: &mut dyn FnMut(Stack) -> bool) {
        // The header, description and account guard of a template with nothing else in it; the description of a
        // stack names its number, so room is kept for that.
        let empty = self.text(None, [], []);
        let base = Weight { resources: 0, outputs: 1, bytes: empty.len() + ", stack 99999".len() };
        let mut exports = Exports { importers: self.importers(), exported: BTreeSet::new(), imported: BTreeSet::new() };
        let export_weights: Vec<Weight> = exports
            .importers
            .iter()
            .enumerate()
            .map(|(position, attributes)| {
                attributes.keys().fold(Weight::default(), |weight, attribute| {
                    weight + Weight { resources: 0, outputs: 1, bytes: self.export_entry(position, *attribute).text.len() }
                })
            })
            .collect();
        // The outputs that go with each resource, found once: a module has outputs per client.
        let mut anchored: Vec<Vec<usize>> = vec![Vec::new(); self.created.len()];
        for (index, anchor) in self.anchors.iter().enumerate() {
            anchored[*anchor].push(index);
        }
        let mut filling = Filling::new(*limits, base);
        let mut open = OpenStack::default();
        for position in 0..self.created.len() {
            let mut placed = self.place(position, &anchored[position], filling.placed(), filling.stack());
            if !filling.fits(placed.weight + export_weights[position]) {
                let closed = self.close(filling.stack(), std::mem::take(&mut open), filling.placed(), position, limits, &mut exports);
                if !each(closed) {
                    return;
                }
                placed = self.place(position, &anchored[position], filling.placed(), filling.stack() + 1);
                filling.start_next(placed.weight + export_weights[position]);
                open.first = position;
            }
            open.add(placed);
        }
        let last = self.close(filling.stack(), open, filling.placed(), self.created.len(), limits, &mut exports);
        if each(last) {
            debug_assert_eq!(
                exports.exported, exports.imported,
                "internal error: the stacks of a split module export other than they import; please report this"
            );
        }
    }

    /// The resource at `position` with the model outputs `anchored` to it, written for `stack` given the stacks of
    /// the resources before it (`placement`).
    fn place(&self, position: usize, anchored: &[usize], placement: &[usize], stack: usize) -> Placed {
        let values = Values::split(self, placement, stack);
        let resource = resource_entry(self.created[position], &values);
        let outputs: Vec<(usize, Entry)> =
            anchored.iter().map(|index| (*index, output_entry(&self.module.outputs[*index], &values))).collect();
        let weight = Weight {
            resources: 1,
            outputs: outputs.len(),
            bytes: resource.0.text.len() + outputs.iter().map(|(_, entry)| entry.text.len()).sum::<usize>(),
        };
        Placed { resource, outputs, imports: values.imports.into_inner(), weight }
    }

    /// Stack `stack`, holding `open`'s resources, which end before position `end`: with its exports, checked against
    /// `limits` once more. `placement` holds the stack of every resource before it, which it may import from.
    fn close(&self, stack: usize, open: OpenStack, placement: &[usize], end: usize, limits: &Limits, exports: &mut Exports) -> Stack {
        let OpenStack { first, resources, mut outputs, imports } = open;
        let exported: BTreeSet<(usize, Attribute)> = (first..end)
            .flat_map(|position| {
                exports.importers[position].iter().filter(|(_, last)| **last >= end).map(move |(attribute, _)| (position, *attribute))
            })
            .collect();
        if cfg!(debug_assertions) {
            exports.exported.extend(exported.iter().copied());
            exports.imported.extend(imports.iter().copied());
        }
        outputs.sort_by_key(|(index, _)| *index);
        let model_outputs = outputs.iter().map(|(_, entry)| entry.id.clone()).collect();
        let mut outputs: Vec<Entry> = outputs.into_iter().map(|(_, entry)| entry).collect();
        outputs.extend(exported.iter().map(|(position, attribute)| self.export_entry(*position, *attribute)));
        outputs.sort_by(|left, right| left.id.cmp(&right.id));
        let text =
            self.text(Some(stack), resources.iter().map(|(entry, _)| entry.text.as_str()), outputs.iter().map(|entry| entry.text.as_str()));
        let weight = Weight { resources: resources.len(), outputs: outputs.len() + 1, bytes: text.len() };
        let file = self.stack_file(stack);
        if !limits.hold(weight) {
            panic!("internal error: {file} breaks a template limit ({weight:?}, {limits:?}); please report this");
        }
        Stack {
            file,
            stack_name: format!("{}-{}-{}", self.deployment.name, self.module.name, stack_number(stack)),
            bytes: text.len(),
            text,
            resources: resources.into_iter().map(|(entry, resource_type)| (entry.id, resource_type)).collect(),
            outputs: model_outputs,
            imports: imports
                .iter()
                .map(|(position, attribute)| (self.export_name(*position, *attribute), self.stack_file(placement[*position])))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        }
    }

    /// The file of stack `stack` (from 0) of a split module.
    fn stack_file(&self, stack: usize) -> String {
        format!("{}-{}.yaml", self.module.name, stack_number(stack))
    }

    /// A template as YAML text with the generated-file header and the account guard (its rule, mapping, condition
    /// and output, the last after `outputs`); `stack` is the stack's number, from 0, in a split module. `resources`
    /// and `outputs` are entries from [`Emitter::nested_entry`].
    fn text<'t>(
        &self,
        stack: Option<usize>,
        resources: impl IntoIterator<Item = &'t str>,
        outputs: impl IntoIterator<Item = &'t str>,
    ) -> String {
        let head = self.template(stack, OrderedMap::new(), OrderedMap::new());
        let (target_id, target) = target_output(self.module);
        let target = Emitter::nested_entry(&target_id, &target);
        let mut emitter = Emitter::after(crate::emit::hash_comment_header(self.deployment));
        emitter.mapping(None, false, |emitter| {
            head.write_head(emitter);
            emitter.written_entries("Resources", resources);
            let mut outputs: Vec<&str> = outputs.into_iter().collect();
            outputs.push(&target);
            emitter.written_entries("Outputs", outputs);
        });
        emitter.finish()
    }

    /// The template [`Plan::text`] writes, with `resources` and `outputs` (to which it adds the account guard's).
    fn template(&self, stack: Option<usize>, resources: OrderedMap<Resource>, outputs: OrderedMap<Output>) -> Template {
        let module = self.module;
        let rule = match &module.region {
            Some(_) => "DeployOnlyToTheBlueprintAccountAndRegion",
            None => "DeployOnlyToTheBlueprintAccount",
        };
        let part = stack.map(|stack| format!(", stack {}", stack + 1)).unwrap_or_default();
        Template {
            format_version: "2010-09-09",
            description: format!("{} (bucketbridge blueprint {}, module {}{part})", module.description, self.deployment.name, module.name),
            rules: OrderedMap::new().with(rule, account_guard(module)),
            mappings: OrderedMap::new().with(TARGET_MAPPING, target_mapping(module)),
            conditions: OrderedMap::new().with(TARGET_CONDITION, target_condition(module)),
            resources,
            outputs: outputs.with_entry(target_output(module)),
        }
    }

    /// The export name under which the stack creating a resource gives one of its attributes to later stacks:
    /// export names are unique per account and region, and the blueprint and module names make them so.
    fn export_name(&self, position: usize, attribute: Attribute) -> String {
        let name = format!(
            "{}-{}-{}-{}",
            self.deployment.name,
            self.module.name,
            logical_id(self.created[position].id()),
            attribute_name(attribute)
        );
        if name.len() > crate::aws::CLOUDFORMATION_EXPORT_NAME_MAX_CHARS {
            panic!("internal error: export name {name} is too long; please report this");
        }
        name
    }

    /// [`Plan::export_output`] as an entry of `Outputs`.
    fn export_entry(&self, position: usize, attribute: Attribute) -> Entry {
        let (id, output) = self.export_output(position, attribute);
        Entry { text: Emitter::nested_entry(&id, &output), id }
    }

    /// The output that exports one attribute of a resource to later stacks.
    fn export_output(&self, position: usize, attribute: Attribute) -> (String, Output) {
        let resource = self.created[position];
        let id = logical_id(resource.id());
        let output = Output {
            description: format!("{} of {id}, imported by later stacks of this module", attribute_name(attribute)),
            condition: None,
            value: reference_node(resource.id(), attribute),
            export: Some(Export { name: Node::string(self.export_name(position, attribute)) }),
        };
        (format!("{id}{}ForLaterStacks", attribute_name(attribute)), output)
    }
}

fn model_output(output: &ModelOutput, values: &Values<'_>) -> (String, Output) {
    let id = output_id(&output.words);
    let value = Output {
        condition: None,
        description: output.description.clone(),
        value: values.value(&output.value),
        export: Some(Export { name: Node::Function(Intrinsic::Sub(format!("${{AWS::StackName}}-{id}"))) }),
    };
    (id, value)
}

/// One entry of `Resources` or `Outputs`, written as it stands in a template.
struct Entry {
    /// The logical ID.
    id: String,
    /// The entry's text, from [`Emitter::nested_entry`].
    text: String,
}

/// The number of stack `stack` (from 0) of a split module, as its file and stack names carry it: from 1, padded to
/// three digits so that up to 999 stacks sort in deploy order. The width is fixed rather than taken from the
/// number of stacks, so that a module that grows by a stack keeps the names of the stacks it has: a renamed stack
/// would be a new stack to CloudFormation, creating again what the old one holds.
fn stack_number(stack: usize) -> String {
    format!("{:03}", stack + 1)
}

/// A created resource written for the stack it is weighed in, with the model outputs that go with it.
struct Placed {
    resource: (Entry, &'static str),
    /// The model outputs with their index, to be put in model order.
    outputs: Vec<(usize, Entry)>,
    /// The attributes of earlier stacks' resources it imports, as (position, attribute).
    imports: BTreeSet<(usize, Attribute)>,
    /// What it takes of the stack, exports not counted.
    weight: Weight,
}

/// The entries of the stack being filled.
#[derive(Default)]
struct OpenStack {
    /// The position of its first resource.
    first: usize,
    resources: Vec<(Entry, &'static str)>,
    outputs: Vec<(usize, Entry)>,
    imports: BTreeSet<(usize, Attribute)>,
}

impl OpenStack {
    fn add(&mut self, placed: Placed) {
        self.resources.push(placed.resource);
        self.outputs.extend(placed.outputs);
        self.imports.extend(placed.imports);
    }
}

/// What the stacks of a split module export to later stacks.
struct Exports {
    /// For each created resource, the attributes other stacks would import, with the position of the last resource
    /// to import each ([`Plan::importers`]).
    importers: Vec<BTreeMap<Attribute, usize>>,
    /// What the stacks closed so far export and import, as (position, attribute), which must be the same once the
    /// last is closed; collected in debug builds only.
    exported: BTreeSet<(usize, Attribute)>,
    imported: BTreeSet<(usize, Attribute)>,
}

/// A created resource as an entry of `Resources`, with its type.
fn resource_entry(resource: &ModelResource, values: &Values<'_>) -> (Entry, &'static str) {
    let id = logical_id(resource.id());
    let translated = translate(resource, values);
    (Entry { text: Emitter::nested_entry(&id, &translated), id }, translated.resource_type)
}

/// A model output as an entry of `Outputs`.
fn output_entry(output: &ModelOutput, values: &Values<'_>) -> Entry {
    let (id, output) = model_output(output, values);
    Entry { text: Emitter::nested_entry(&id, &output), id }
}

fn attribute_name(attribute: Attribute) -> &'static str {
    match attribute {
        Attribute::Arn => "Arn",
        Attribute::Name => "Name",
        Attribute::KeyId => "KeyId",
    }
}

/// The mapping that holds the one account (and region) a template is for.
const TARGET_MAPPING: &str = "BlueprintTarget";
/// The condition that looks the stack's account and region up in [`TARGET_MAPPING`].
const TARGET_CONDITION: &str = "DeployedWhereTheBlueprintSays";
/// The top-level key of [`TARGET_MAPPING`] for a module without a region.
const ANY_REGION: &str = "AnyRegion";

/// `BlueprintTarget: { <region>: { <account>: deploy } }`. Second-level keys must be alphanumeric, so the account
/// (twelve digits) is the second-level key and the region (with hyphens) the top-level one.
fn target_mapping(module: &Module) -> OrderedMap<OrderedMap<String>> {
    let region = module.region.as_deref().unwrap_or(ANY_REGION);
    OrderedMap::new().with(region.to_owned(), OrderedMap::new().with(module.account.clone(), "deploy".to_owned()))
}

/// Looks the stack's region and account up in [`TARGET_MAPPING`]. Anywhere but the blueprint's account and
/// region the lookup has no entry, and CloudFormation fails the stack operation with "Unable to get mapping"
/// before it creates anything; this is the guard for tools that evaluate conditions but not `Rules` (moto).
fn target_condition(module: &Module) -> Node {
    let region = match module.region {
        Some(_) => Node::Function(Intrinsic::Ref("AWS::Region".into())),
        None => Node::string(ANY_REGION),
    };
    let lookup = Node::Function(Intrinsic::FindInMap(vec![
        Node::string(TARGET_MAPPING),
        region,
        Node::Function(Intrinsic::Ref("AWS::AccountId".into())),
    ]));
    Node::Function(Intrinsic::Equals(vec![lookup, Node::string("deploy")]))
}

/// An output under [`TARGET_CONDITION`], so that the condition is part of the template's meaning (CloudFormation
/// evaluates every condition; linters flag one nothing uses): where the stack was deployed.
fn target_output(module: &Module) -> (String, Output) {
    let value = match module.region {
        Some(_) => "${AWS::AccountId} ${AWS::Region}",
        None => "${AWS::AccountId}",
    };
    let output = Output {
        condition: Some(TARGET_CONDITION.to_owned()),
        description: "The account (and region) the stack is deployed in, which the template's guards allow".to_owned(),
        value: Node::Function(Intrinsic::Sub(value.to_owned())),
        export: None,
    };
    ("BlueprintTarget".to_owned(), output)
}

/// Fails stack creation before any resource exists when the stack is not in the blueprint's account, or not in its
/// region when the module has one.
fn account_guard(module: &Module) -> Rule {
    let mut assertions = vec![Assertion {
        assert: Node::Function(Intrinsic::Equals(vec![
            Node::Function(Intrinsic::Ref("AWS::AccountId".into())),
            Node::string(module.account.clone()),
        ])),
        description: format!("This template is generated for account {}; deploy it there.", module.account),
    }];
    if let Some(region) = &module.region {
        assertions.push(Assertion {
            assert: Node::Function(Intrinsic::Equals(vec![
                Node::Function(Intrinsic::Ref("AWS::Region".into())),
                Node::string(region.to_owned()),
            ])),
            description: format!("This template is generated for region {region}; deploy it there."),
        });
    }
    Rule { assertions }
}

/// The logical ID of a resource: its name in PascalCase followed by its kind (`AcmeRole`, `LogBucket`).
pub fn logical_id(id: &ResourceId) -> String {
    let kind = match id.kind {
        ResourceKind::Bucket => "Bucket",
        ResourceKind::BucketPolicy => "BucketPolicy",
        ResourceKind::Role => "Role",
        ResourceKind::ManagedPolicy => "Policy",
        ResourceKind::KmsKey => "KmsKey",
        ResourceKind::KmsAlias => "KmsAlias",
        ResourceKind::InstanceProfile => "InstanceProfile",
        ResourceKind::ExistingRole => "ExistingRole",
    };
    format!("{}{kind}", pascal_case(&id.words))
}

/// The logical ID of an output (`S3BucketArn`).
pub fn output_id(words: &[String]) -> String {
    pascal_case(words)
}

fn translate(resource: &ModelResource, values: &Values<'_>) -> Resource {
    let retain = |keep: bool| keep.then_some("Retain");
    match resource {
        ModelResource::Bucket(bucket) => {
            let mut properties = OrderedMap::new().with("BucketName", Node::string(bucket.name.clone()));
            let default = match &bucket.encryption {
                BucketEncryption::S3Managed => Node::map([("SSEAlgorithm", Node::string("AES256"))]),
                BucketEncryption::Kms { key_arn, .. } => {
                    Node::map([("SSEAlgorithm", Node::string("aws:kms")), ("KMSMasterKeyID", values.value(key_arn))])
                }
            };
            let mut rule = OrderedMap::new().with("ServerSideEncryptionByDefault", default);
            if let BucketEncryption::Kms { bucket_key, .. } = &bucket.encryption {
                rule.insert("BucketKeyEnabled", Node::Bool(*bucket_key));
            }
            properties.insert("BucketEncryption", Node::map([("ServerSideEncryptionConfiguration", Node::List(vec![Node::Map(rule)]))]));
            let block = &bucket.public_access_block;
            properties.insert(
                "PublicAccessBlockConfiguration",
                Node::map([
                    ("BlockPublicAcls", Node::Bool(block.block_public_acls)),
                    ("BlockPublicPolicy", Node::Bool(block.block_public_policy)),
                    ("IgnorePublicAcls", Node::Bool(block.ignore_public_acls)),
                    ("RestrictPublicBuckets", Node::Bool(block.restrict_public_buckets)),
                ]),
            );
            properties.insert(
                "OwnershipControls",
                Node::map([("Rules", Node::List(vec![Node::map([("ObjectOwnership", Node::string(bucket.object_ownership.as_str()))])]))]),
            );
            if bucket.versioning {
                properties.insert("VersioningConfiguration", Node::map([("Status", Node::string("Enabled"))]));
            }
            if let Some(logging) = &bucket.logging {
                properties.insert(
                    "LoggingConfiguration",
                    Node::map([
                        ("DestinationBucketName", values.value(&logging.target_bucket)),
                        ("LogFilePrefix", Node::string(logging.target_prefix.clone())),
                    ]),
                );
            }
            insert_tags(&mut properties, &bucket.tags);
            Resource {
                deletion_policy: retain(bucket.retain_on_delete),
                update_replace_policy: retain(bucket.retain_on_delete),
                resource_type: "AWS::S3::Bucket",
                properties,
            }
        }
        ModelResource::BucketPolicy(policy) => Resource {
            deletion_policy: None,
            update_replace_policy: None,
            resource_type: "AWS::S3::BucketPolicy",
            properties: OrderedMap::new()
                .with("Bucket", values.value(&policy.bucket.attribute(Attribute::Name)))
                .with("PolicyDocument", policy_document(&policy.document, values)),
        },
        ModelResource::Role(role) => {
            let mut properties = OrderedMap::new()
                .with("RoleName", Node::string(role.name.clone()))
                .with("Description", Node::string(role.description.clone()))
                .with("AssumeRolePolicyDocument", policy_document(&role.trust_policy, values))
                .with("MaxSessionDuration", Node::Integer(role.max_session_duration.into()));
            insert_tags(&mut properties, &role.tags);
            Resource { deletion_policy: None, update_replace_policy: None, resource_type: "AWS::IAM::Role", properties }
        }
        ModelResource::ManagedPolicy(policy) => Resource {
            deletion_policy: None,
            update_replace_policy: None,
            resource_type: "AWS::IAM::ManagedPolicy",
            // AWS::IAM::ManagedPolicy takes no tags, so the model's tags have nowhere to go here.
            properties: OrderedMap::new()
                .with("ManagedPolicyName", Node::string(policy.name.clone()))
                .with("Description", Node::string(policy.description.clone()))
                .with("PolicyDocument", policy_document(&policy.document, values))
                .with("Roles", Node::List(vec![values.value(&policy.attached_role)])),
        },
        ModelResource::KmsKey(key) => {
            let mut properties = OrderedMap::new()
                .with("Description", Node::string(key.description.clone()))
                .with("EnableKeyRotation", Node::Bool(key.rotation))
                .with("PendingWindowInDays", Node::Integer(key.deletion_window_days.into()))
                .with("KeyPolicy", policy_document(&key.key_policy, values));
            insert_tags(&mut properties, &key.tags);
            Resource {
                deletion_policy: retain(key.retain_on_delete),
                update_replace_policy: retain(key.retain_on_delete),
                resource_type: "AWS::KMS::Key",
                properties,
            }
        }
        ModelResource::KmsAlias(alias) => Resource {
            deletion_policy: None,
            update_replace_policy: None,
            resource_type: "AWS::KMS::Alias",
            properties: OrderedMap::new()
                .with("AliasName", Node::string(alias.name.clone()))
                .with("TargetKeyId", values.value(&alias.target_key.attribute(Attribute::KeyId))),
        },
        ModelResource::InstanceProfile(profile) => Resource {
            deletion_policy: None,
            update_replace_policy: None,
            resource_type: "AWS::IAM::InstanceProfile",
            properties: OrderedMap::new()
                .with("InstanceProfileName", Node::string(profile.name.clone()))
                .with("Roles", Node::List(vec![values.value(&profile.role.attribute(Attribute::Name))])),
        },
        ModelResource::ExistingRole(role) => {
            panic!("internal error: existing role {} reached the resource translation; please report this", role.name)
        }
    }
}

/// Every model value [`translate`] writes for `resource` through [`Values::value`], in no particular order: its
/// references are the only way a resource can import from another stack. Keep it in step with `translate`; the
/// tests compare the imports it gives with those of translating.
fn translated_values(resource: &ModelResource) -> Vec<Cow<'_, Value>> {
    let mut values: Vec<Cow<'_, Value>> =
        resource.policy_documents().into_iter().flat_map(PolicyDocument::values).map(Cow::Borrowed).collect();
    match resource {
        ModelResource::Bucket(bucket) => {
            if let BucketEncryption::Kms { key_arn, .. } = &bucket.encryption {
                values.push(Cow::Borrowed(key_arn));
            }
            if let Some(logging) = &bucket.logging {
                values.push(Cow::Borrowed(&logging.target_bucket));
            }
        }
        ModelResource::BucketPolicy(policy) => values.push(Cow::Owned(policy.bucket.attribute(Attribute::Name))),
        ModelResource::ManagedPolicy(policy) => values.push(Cow::Borrowed(&policy.attached_role)),
        ModelResource::KmsAlias(alias) => values.push(Cow::Owned(alias.target_key.attribute(Attribute::KeyId))),
        ModelResource::InstanceProfile(profile) => values.push(Cow::Owned(profile.role.attribute(Attribute::Name))),
        ModelResource::Role(_) | ModelResource::KmsKey(_) | ModelResource::ExistingRole(_) => {}
    }
    values
}

fn insert_tags(properties: &mut OrderedMap<Node>, tags: &Tags) {
    if !tags.is_empty() {
        let list = tags
            .iter()
            .map(|(key, tag)| Node::map([("Key", Node::string(key.to_owned())), ("Value", Node::string(tag.to_owned()))]))
            .collect();
        properties.insert("Tags", Node::List(list));
    }
}

/// A policy document as a `PolicyDocument` map.
fn policy_document(document: &PolicyDocument, values: &Values<'_>) -> Node {
    let statements = document
        .statements
        .iter()
        .map(|statement| {
            let mut map =
                OrderedMap::new().with("Sid", Node::string(statement.sid.clone())).with("Effect", Node::string(statement.effect.as_str()));
            match &statement.principal {
                None => {}
                Some(Principal::Anyone) => map.insert("Principal", Node::string("*")),
                Some(Principal::Aws(principals)) => {
                    map.insert("Principal", Node::map([("AWS", Node::List(principals.iter().map(|item| values.value(item)).collect()))]))
                }
                Some(Principal::Service(services)) => map.insert(
                    "Principal",
                    Node::map([("Service", Node::List(services.iter().map(|service| Node::string(service.clone())).collect()))]),
                ),
            }
            map.insert("Action", Node::List(statement.actions.iter().map(Node::string).collect()));
            if !statement.resources.is_empty() {
                map.insert("Resource", Node::List(statement.resources.iter().map(|item| values.value(item)).collect()));
            }
            if !statement.conditions.is_empty() {
                // Grouped by operator in operator order, as AWS's JSON form requires one key per operator.
                let mut operators: Vec<&str> = statement.conditions.iter().map(|condition| condition.operator.as_str()).collect();
                operators.sort_unstable();
                operators.dedup();
                let mut condition_map = OrderedMap::new();
                for operator in operators {
                    let mut keys = OrderedMap::new();
                    for condition in statement.conditions.iter().filter(|condition| condition.operator.as_str() == operator) {
                        keys.insert(condition.key, Node::List(condition.values.iter().map(|item| values.value(item)).collect()));
                    }
                    condition_map.insert(operator, Node::Map(keys));
                }
                map.insert("Condition", Node::Map(condition_map));
            }
            Node::Map(map)
        })
        .collect();
    Node::map([("Version", Node::string(POLICY_VERSION)), ("Statement", Node::List(statements))])
}

impl Values<'_> {
    /// A model value as a CloudFormation value: a plain string, a `!Ref` or `!GetAtt` when it is exactly one
    /// attribute, and a `!Sub` otherwise. In a split module, an attribute of a resource in another stack is
    /// written from names when the model knows it, and imported otherwise (`!ImportValue`, or a `!Sub` variable).
    fn value(&self, value: &Value) -> Node {
        let existing = self.inline_existing(value);
        let value = &*self.inline_elsewhere(&existing);
        if let Some(text) = value.as_literal() {
            return Node::string(text.to_owned());
        }
        if let Some(reference) = value.as_reference() {
            return match self.import(&reference.resource, reference.attribute) {
                Some(export) => Node::Function(Intrinsic::ImportValue(export)),
                None => reference_node(&reference.resource, reference.attribute),
            };
        }
        let mut variables = OrderedMap::new();
        let mut text = String::new();
        for part in value.parts() {
            match part {
                // `${` in literal text would start a substitution; `${!` is Fn::Sub's escape for it.
                Part::Literal(literal) if literal.contains("${") => text.push_str(&literal.replace("${", "${!")),
                Part::Literal(literal) => text.push_str(literal),
                Part::Partition => text.push_str("${AWS::Partition}"),
                Part::AccountId => text.push_str("${AWS::AccountId}"),
                Part::Region => text.push_str("${AWS::Region}"),
                Part::Ref(reference) => {
                    let id = logical_id(&reference.resource);
                    let variable = match self.import(&reference.resource, reference.attribute) {
                        Some(export) => {
                            let variable = format!("Imported{id}{}", attribute_name(reference.attribute));
                            if !variables.0.iter().any(|(name, _)| *name == variable) {
                                variables.insert(variable.clone(), Node::Function(Intrinsic::ImportValue(export)));
                            }
                            variable
                        }
                        None => match attribute_access(reference.resource.kind, reference.attribute) {
                            Access::Ref => id,
                            Access::GetAtt(attribute) => format!("{id}.{attribute}"),
                        },
                    };
                    text.push_str("${");
                    text.push_str(&variable);
                    text.push('}');
                }
            }
        }
        if variables.is_empty() {
            Node::Function(Intrinsic::Sub(text))
        } else {
            Node::Function(Intrinsic::SubWithVariables(vec![Node::String(text.into()), Node::Map(variables)]))
        }
    }

    /// CloudFormation cannot look a resource up, so an existing role is written as what the model knows of it: its
    /// name, and its ARN in the deploying account.
    fn inline_existing<'v>(&self, value: &'v Value) -> Cow<'v, Value> {
        let existing = |part: &Part| matches!(part, Part::Ref(reference) if reference.resource.kind == ResourceKind::ExistingRole);
        if merged(value) && !value.parts().iter().any(existing) {
            return Cow::Borrowed(value);
        }
        Cow::Owned(Value::from_parts(value.parts().iter().flat_map(|part| match part {
            Part::Ref(reference) if reference.resource.kind == ResourceKind::ExistingRole => {
                let name = self.plan.existing.get(&reference.resource).copied().unwrap_or_else(|| {
                    panic!("internal error: {:?} is referred to but not declared; please report this", reference.resource)
                });
                match reference.attribute {
                    Attribute::Arn => iam_arn(&format!("role/{name}")),
                    Attribute::Name | Attribute::KeyId => vec![Part::Literal(name.to_owned())],
                }
            }
            other => vec![other.clone()],
        })))
    }

    /// `Ref` and `Fn::GetAtt` reach only resources of the same stack, so an attribute of a resource in another
    /// stack is written as what the model knows of it, where it knows it: names, and the ARNs made of them.
    fn inline_elsewhere<'v>(&self, value: &'v Value) -> Cow<'v, Value> {
        let elsewhere = |part: &Part| match part {
            Part::Ref(reference) => self.stack_of(&reference.resource).is_some_and(|stack| stack != self.stack),
            _ => false,
        };
        if merged(value) && !value.parts().iter().any(elsewhere) {
            return Cow::Borrowed(value);
        }
        Cow::Owned(Value::from_parts(value.parts().iter().flat_map(|part| match part {
            Part::Ref(reference) if elsewhere(part) => {
                let resource = self.plan.created[self.plan.positions[&reference.resource]];
                known_attribute(resource, reference.attribute).unwrap_or_else(|| vec![part.clone()])
            }
            other => vec![other.clone()],
        })))
    }

    /// The stack of a created resource; the resource being placed counts as in the current stack.
    fn stack_of(&self, resource: &ResourceId) -> Option<usize> {
        self.position_and_stack(resource).map(|(_, stack)| stack)
    }

    /// The position of a created resource, and its stack as [`Values::stack_of`] says.
    fn position_and_stack(&self, resource: &ResourceId) -> Option<(usize, usize)> {
        let position = *self.plan.positions.get(resource)?;
        self.placement.map(|placement| (position, placement.get(position).copied().unwrap_or(self.stack)))
    }

    /// Notes the imports that writing `value` would make, without writing it: [`Values::value`] imports each
    /// reference that [`Values::inline_elsewhere`] does not write from names.
    fn note_imports(&self, value: &Value) {
        for reference in self.inline_existing(value).references() {
            let from_names = self.stack_of(&reference.resource).is_some_and(|stack| stack != self.stack)
                && known_source(self.plan.created[self.plan.positions[&reference.resource]], reference.attribute).is_some();
            if !from_names {
                self.import(&reference.resource, reference.attribute);
            }
        }
    }

    /// The export name to import for an attribute of a resource in another stack, noting the import; `None` for
    /// a resource of this stack.
    fn import(&self, resource: &ResourceId, attribute: Attribute) -> Option<String> {
        let (position, stack) = self.position_and_stack(resource)?;
        if stack == self.stack {
            return None;
        }
        self.imports.borrow_mut().insert((position, attribute));
        Some(self.plan.export_name(position, attribute))
    }
}

/// Whether `value` is as [`Value::from_parts`] leaves a value (no empty literal, no two literals in a row), so a
/// rewrite that changes none of its parts can keep it as it is.
fn merged(value: &Value) -> bool {
    let parts = value.parts();
    !parts.iter().any(|part| matches!(part, Part::Literal(text) if text.is_empty()))
        && !parts.windows(2).any(|pair| matches!(pair, [Part::Literal(_), Part::Literal(_)]))
}

/// The ARN of an IAM resource of the deploying account, by path (`role/NAME`).
fn iam_arn(path: &str) -> Vec<Part> {
    vec![Part::Literal("arn:".into()), Part::Partition, Part::Literal(":iam::".into()), Part::AccountId, Part::Literal(format!(":{path}"))]
}

/// An attribute of a created resource, from what the model knows, when CloudFormation would return exactly that;
/// `None` for a value AWS chooses at creation (a key's ID and ARN).
fn known_attribute(resource: &ModelResource, attribute: Attribute) -> Option<Vec<Part>> {
    known_source(resource, attribute).map(KnownAttribute::parts)
}

/// What a known attribute ([`known_attribute`]) is made of: deciding that an attribute is known needs no text.
enum KnownAttribute<'r> {
    /// A name, as it is.
    Name(&'r str),
    /// A bucket's ARN, from its name.
    BucketArn(&'r str),
    /// The ARN of an IAM resource of the deploying account, by path (`role/NAME`): its type and name.
    IamArn(&'static str, &'r str),
    /// A KMS alias's ARN, from its name.
    AliasArn(&'r str),
}

impl KnownAttribute<'_> {
    fn parts(self) -> Vec<Part> {
        match self {
            KnownAttribute::Name(name) => vec![Part::Literal(name.to_owned())],
            KnownAttribute::BucketArn(name) => arn::bucket(name).parts().to_vec(),
            KnownAttribute::IamArn(kind, name) => iam_arn(&format!("{kind}/{name}")),
            KnownAttribute::AliasArn(name) => arn::alias_in_this_account(name).parts().to_vec(),
        }
    }
}

/// What `resource`'s `attribute` is made of when the model knows it; `None` as for [`known_attribute`].
fn known_source(resource: &ModelResource, attribute: Attribute) -> Option<KnownAttribute<'_>> {
    match (resource, attribute) {
        (ModelResource::Bucket(bucket), Attribute::Name) => Some(KnownAttribute::Name(&bucket.name)),
        (ModelResource::Bucket(bucket), Attribute::Arn) => Some(KnownAttribute::BucketArn(&bucket.name)),
        (ModelResource::Role(role), Attribute::Name) => Some(KnownAttribute::Name(&role.name)),
        (ModelResource::Role(role), Attribute::Arn) => Some(KnownAttribute::IamArn("role", &role.name)),
        (ModelResource::ManagedPolicy(policy), Attribute::Name) => Some(KnownAttribute::Name(&policy.name)),
        (ModelResource::ManagedPolicy(policy), Attribute::Arn) => Some(KnownAttribute::IamArn("policy", &policy.name)),
        (ModelResource::InstanceProfile(profile), Attribute::Name) => Some(KnownAttribute::Name(&profile.name)),
        (ModelResource::InstanceProfile(profile), Attribute::Arn) => Some(KnownAttribute::IamArn("instance-profile", &profile.name)),
        (ModelResource::KmsAlias(alias), Attribute::Name) => Some(KnownAttribute::Name(&alias.name)),
        (ModelResource::KmsAlias(alias), Attribute::Arn) => Some(KnownAttribute::AliasArn(&alias.name)),
        _ => None,
    }
}

/// `!Ref` or `!GetAtt` of one attribute of a resource in the same template.
fn reference_node(resource: &ResourceId, attribute: Attribute) -> Node {
    let id = logical_id(resource);
    match attribute_access(resource.kind, attribute) {
        Access::Ref => Node::Function(Intrinsic::Ref(id)),
        Access::GetAtt(attribute) => Node::Function(Intrinsic::GetAtt(format!("{id}.{attribute}"))),
    }
}

/// Translates model values for one template of a module.
struct Values<'p> {
    plan: &'p Plan<'p>,
    /// The stack of each created resource placed so far, by position; `None` when the module is one template.
    placement: Option<&'p [usize]>,
    /// The stack being written.
    stack: usize,
    /// The attributes of other stacks' resources this stack imports, as (position, attribute), sorted.
    imports: RefCell<BTreeSet<(usize, Attribute)>>,
}

impl<'p> Values<'p> {
    /// The translator for a module written as one template.
    fn whole(plan: &'p Plan<'p>) -> Values<'p> {
        Values { plan, placement: None, stack: 0, imports: RefCell::new(BTreeSet::new()) }
    }

    /// The translator for stack `stack` of a split module, with the resources placed so far.
    fn split(plan: &'p Plan<'p>, placement: &'p [usize], stack: usize) -> Values<'p> {
        Values { plan, placement: Some(placement), stack, imports: RefCell::new(BTreeSet::new()) }
    }
}

enum Access {
    Ref,
    GetAtt(&'static str),
}

/// How CloudFormation exposes an attribute of each resource type: what `Ref` returns differs by type
/// (a bucket's name, a managed policy's ARN, a key's ID).
fn attribute_access(kind: ResourceKind, attribute: Attribute) -> Access {
    match (kind, attribute) {
        (ResourceKind::ManagedPolicy, Attribute::Arn) => Access::Ref,
        (_, Attribute::Arn) => Access::GetAtt("Arn"),
        (_, Attribute::Name | Attribute::KeyId) => Access::Ref,
    }
}

#[cfg(test)]
mod tests {
    use super::yaml::Yaml;
    use super::*;

    fn deployment(name: &str, text: &str) -> Deployment {
        let (blueprint, _) = crate::blueprint::load(&format!("blueprints/{name}.yaml"), text).expect("the example loads");
        crate::model::build(&blueprint)
    }

    /// The cut adds up the bytes of each entry; they must add up to the template CloudFormation receives, or a
    /// stack could pass the cut and still be over the limit.
    #[test]
    fn entry_sizes_add_up_to_the_template() {
        let examples = [
            ("acme-exchange", include_str!("../../../blueprints/acme-exchange.yaml")),
            ("aoc-kms", include_str!("../../../blueprints/aoc-kms.yaml")),
            ("atc", include_str!("../../../blueprints/atc.yaml")),
        ];
        for (name, text) in examples {
            let deployment = deployment(name, text);
            for module in &deployment.modules {
                let plan = Plan::new(&deployment, module);
                let values = Values::whole(&plan);
                let empty = plan.text(None, [], []);
                let resources: usize = plan.created.iter().map(|resource| resource_entry(resource, &values).0.text.len()).sum();
                let outputs: usize = module.outputs.iter().map(|output| output_entry(output, &values).text.len()).sum();
                // An empty template says `Resources: {}`; a full one `Resources:` and its entries. Its `Outputs` already
                // hold the account guard's.
                let expected = empty.len() - "Resources: {}\n".len() + "Resources:\n".len() + resources + outputs;
                assert_eq!(expected, plan.render_whole().text.len(), "{name} {}", module.name);
            }
        }
    }

    /// Every node of every example's templates, whole and split, is written as serde_yaml writes it.
    #[test]
    fn templates_are_written_as_serde_yaml_writes_them() {
        fn written<V: Yaml>(map: &OrderedMap<V>) -> Vec<String> {
            map.0.iter().map(|(id, value)| Emitter::nested_entry(id, value)).collect()
        }
        fn nodes(node: &Node) {
            yaml::tests::check(node);
            match node {
                Node::List(items)
                | Node::Function(Intrinsic::Equals(items) | Intrinsic::FindInMap(items) | Intrinsic::SubWithVariables(items)) => {
                    items.iter().for_each(nodes);
                }
                Node::Map(map) => map.0.iter().for_each(|(_, value)| nodes(value)),
                _ => {}
            }
        }
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints");
        let mut paths: Vec<_> = std::fs::read_dir(&folder).expect("blueprints/ reads").map(|entry| entry.expect("entry").path()).collect();
        paths.sort();
        for path in paths {
            let name = path.file_stem().and_then(|stem| stem.to_str()).expect("a file name").to_owned();
            let deployment = deployment(&name, &std::fs::read_to_string(&path).expect("the blueprint reads"));
            for module in &deployment.modules {
                let plan = Plan::new(&deployment, module);
                let placements = [vec![0; plan.created.len()], (0..plan.created.len()).collect()];
                for placement in &placements {
                    for stack in 0..placement.len() {
                        let values = Values::split(&plan, placement, stack);
                        let resources = OrderedMap(
                            plan.created.iter().map(|resource| (logical_id(resource.id()).into(), translate(resource, &values))).collect(),
                        );
                        let outputs = OrderedMap(
                            module
                                .outputs
                                .iter()
                                .map(|output| model_output(output, &values))
                                .map(|(id, output)| (id.into(), output))
                                .collect(),
                        );
                        // The text assembled from entries written one by one is serde_yaml's text of the whole.
                        let (resource_entries, output_entries) = (written(&resources), written(&outputs));
                        let text =
                            plan.text(Some(stack), resource_entries.iter().map(String::as_str), output_entries.iter().map(String::as_str));
                        let template = plan.template(Some(stack), resources, outputs);
                        let expected = serde_yaml::to_string(&template).expect("serde_yaml writes the template");
                        assert_eq!(text, format!("{}{expected}", crate::emit::hash_comment_header(&deployment)));
                        yaml::tests::check(&template);
                        for (_, rule) in &template.rules.0 {
                            rule.assertions.iter().for_each(|assertion| nodes(&assertion.assert));
                        }
                        template.conditions.0.iter().for_each(|(_, node)| nodes(node));
                        for (_, resource) in &template.resources.0 {
                            yaml::tests::check(resource);
                            resource.properties.0.iter().for_each(|(_, node)| nodes(node));
                        }
                        for (_, output) in &template.outputs.0 {
                            yaml::tests::check(output);
                            nodes(&output.value);
                        }
                    }
                }
            }
        }
    }

    /// A later stack names an earlier stack's bucket and role by what the model knows of them, and imports what
    /// AWS chooses (a key's ARN) from the stack that exports it.
    #[test]
    fn references_across_stacks_are_names_or_imports() {
        let deployment = deployment("aoc-kms", include_str!("../../../blueprints/aoc-kms.yaml"));
        let module = &deployment.modules[0];
        let stacks = emit_within(&deployment, module, &Limits { resources: 1, outputs: 6, bytes: 1_000_000 });
        assert_eq!(stacks.len(), module.resources.len(), "one resource per stack");
        let all: String = stacks.iter().map(|stack| stack.text.as_str()).collect();
        assert!(all.contains("!ImportValue aoc-kms-owner-KmsKey-Arn"), "{all}");
        assert!(all.contains("Name: aoc-kms-owner-KmsKey-Arn"), "{all}");
        assert!(all.contains("!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/"), "{all}");
        assert!(all.contains(", stack 1)"), "{all}");
        assert_eq!(stacks[0].file, "owner-001.yaml");
        assert_eq!(stacks[0].stack_name, "aoc-kms-owner-001");
    }

    /// The values [`translated_values`] lists give every example module the imports that translating its resources
    /// gives: a value it missed would be an import without an export.
    #[test]
    fn importers_are_those_of_translating_every_resource() {
        // Every example, read from the folder, so that an example added later is compared too.
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints");
        let mut examples: Vec<(String, String)> = std::fs::read_dir(&folder)
            .expect("the examples folder reads")
            .map(|entry| entry.expect("an entry of the examples folder").path())
            .filter_map(|path| {
                let name = path.file_name()?.to_str()?.strip_suffix(".yaml")?.to_owned();
                Some((name, std::fs::read_to_string(&path).expect("an example reads")))
            })
            .collect();
        examples.sort();
        assert!(examples.len() >= 9, "every example is found: {}", examples.len());
        let mut imports_seen = 0;
        for (name, text) in &examples {
            let deployment = deployment(name, text);
            for module in &deployment.modules {
                let plan = Plan::new(&deployment, module);
                let all_in_the_first = vec![0; plan.created.len()];
                let everywhere_else = Values::split(&plan, &all_in_the_first, usize::MAX);
                for resource in &plan.created {
                    translate(resource, &everywhere_else);
                    let translated = everywhere_else.imports.take();
                    for value in translated_values(resource) {
                        everywhere_else.note_imports(&value);
                    }
                    assert_eq!(everywhere_else.imports.take(), translated, "{name} {} {:?}", module.name, resource.id());
                    imports_seen += translated.len();
                }
                for output in &module.outputs {
                    everywhere_else.value(&output.value);
                    let written = everywhere_else.imports.take();
                    everywhere_else.note_imports(&output.value);
                    assert_eq!(everywhere_else.imports.take(), written, "{name} {} output {:?}", module.name, output.words);
                    imports_seen += written.len();
                }
            }
        }
        assert!(imports_seen > 0, "some example would import across stacks");
    }

    /// Each stack exports exactly what later stacks import from it: a stack is written before the stacks that
    /// import from it, so its exports are worked out from the model, and an export nobody imports, or an import
    /// nobody exports, would be a template CloudFormation refuses or a stack that cannot be deleted.
    #[test]
    fn each_stack_exports_what_later_stacks_import() {
        let examples = [
            ("acme-exchange", include_str!("../../../blueprints/acme-exchange.yaml")),
            ("aoc-kms", include_str!("../../../blueprints/aoc-kms.yaml")),
            ("globex-reports", include_str!("../../../blueprints/globex-reports.yaml")),
        ];
        let mut imports_seen = 0;
        for (name, text) in examples {
            let deployment = deployment(name, text);
            for module in &deployment.modules {
                for resources in 1..=4 {
                    let stacks = emit_within(&deployment, module, &Limits { resources, outputs: 60, bytes: 1_000_000 });
                    let exports: BTreeSet<(String, String)> = stacks
                        .iter()
                        .flat_map(|stack| {
                            stack
                                .text
                                .lines()
                                .filter_map(|line| line.strip_prefix("      Name: "))
                                .map(|export| (export.to_owned(), stack.file.clone()))
                        })
                        .filter(|(export, _)| !export.starts_with("!Sub"))
                        .collect();
                    let imports: BTreeSet<(String, String)> = stacks.iter().flat_map(|stack| stack.imports.iter().cloned()).collect();
                    assert_eq!(exports, imports, "{name} {} with {resources} resources per stack", module.name);
                    for (index, stack) in stacks.iter().enumerate() {
                        for (export, file) in &stack.imports {
                            assert!(stacks[..index].iter().any(|earlier| earlier.file == *file), "{export} from {file} is not earlier");
                            assert!(stack.text.contains(&format!("!ImportValue {export}")), "{}", stack.text);
                        }
                    }
                    imports_seen += imports.len();
                }
            }
        }
        assert!(imports_seen > 0, "some example imports across stacks");
    }
}
