//! A small vocabulary for the expressions a Terraform module needs, as hcl-rs values.
//!
//! Every function returns a plain [`hcl::Expression`] (or [`hcl::Block`]), so the rest of the
//! emitter keeps building ordinary hcl-rs structures and renders them with
//! `super::fmt::to_terraform_fmt`. Nothing here panics: names that are not valid HCL
//! identifiers are sanitized (invalid characters become `_`) rather than rejected, because
//! they come from our own code, not from users.

use hcl::expr::{BinaryOp, BinaryOperator, FuncCall, Object, ObjectKey, TemplateExpr, Traversal, TraversalOperator, Variable};
use hcl::template::{Element, Interpolation};
use hcl::{Block, Body, Expression, Identifier, Template};

use super::fmt::{is_object_ident, template_source};

/// A reference such as `var.bucket_name`, `aws_s3_bucket.this.arn` or
/// `data.aws_partition.current.partition`: dot-separated identifiers, the first being the
/// root. A segment made only of ASCII digits becomes a legacy index (`.0`).
pub fn reference(path: &str) -> Expression {
    let mut segments = path.split('.');
    let root = Variable::sanitized(segments.next().unwrap_or_default());
    let operators: Vec<TraversalOperator> = segments
        .map(|segment| match segment.parse::<u64>() {
            Ok(index) if segment.bytes().all(|b| b.is_ascii_digit()) => TraversalOperator::LegacyIndex(index),
            _ => TraversalOperator::GetAttr(Identifier::sanitized(segment)),
        })
        .collect();
    if operators.is_empty() { Expression::Variable(root) } else { Expression::from(Traversal::new(root, operators)) }
}

/// `var.<name>`.
pub fn var(name: &str) -> Expression {
    reference(&format!("var.{name}"))
}

/// A list of references, e.g. `depends_on = [aws_s3_bucket_public_access_block.this]`.
pub fn references<'a>(paths: impl IntoIterator<Item = &'a str>) -> Expression {
    Expression::Array(paths.into_iter().map(reference).collect())
}

/// A literal string. Any `${` / `%{` in it is escaped when rendered (`$${`), so it never
/// interpolates; quotes, backslashes and control characters are escaped too.
pub fn string(s: impl Into<String>) -> Expression {
    Expression::String(s.into())
}

/// A list literal.
pub fn list(items: impl IntoIterator<Item = Expression>) -> Expression {
    Expression::Array(items.into_iter().collect())
}

/// A list of literal strings, e.g. `actions = ["s3:GetObject", "s3:ListBucket"]`.
pub fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Expression {
    list(items.into_iter().map(string))
}

/// An object literal, keys in the given order. Keys made of ASCII letters, digits and `_`
/// (not starting with a digit, not `true`/`false`/`null`/`for`) are written bare
/// (`team = "x"`); any other key is quoted (`"with-dash" = "y"`). HCL would accept
/// `with-dash` bare, but quoting it reads unambiguously (it looks like a subtraction).
pub fn object<K: Into<String>>(items: impl IntoIterator<Item = (K, Expression)>) -> Expression {
    let mut object = Object::new();
    for (key, value) in items {
        let key: String = key.into();
        let plain =
            key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        let key = if plain && is_object_ident(&key) {
            ObjectKey::Identifier(Identifier::unchecked(key))
        } else {
            ObjectKey::Expression(Expression::String(key))
        };
        object.insert(key, value);
    }
    Expression::Object(object)
}

/// A function call, e.g. `jsonencode(...)`, `toset(...)`.
pub fn call(name: &str, args: impl IntoIterator<Item = Expression>) -> Expression {
    let mut builder = FuncCall::builder(Identifier::sanitized(name));
    for arg in args {
        builder = builder.arg(arg);
    }
    Expression::from(builder.build())
}

/// A bare type keyword for `variable` blocks: `string`, `bool`, `number`, `any`.
pub fn type_keyword(name: &str) -> Expression {
    Expression::Variable(Variable::sanitized(name))
}

/// A collection type constructor: `map(string)`, `list(string)`, `set(string)`.
pub fn type_of(constructor: &str, element: Expression) -> Expression {
    call(constructor, [element])
}

/// `lhs == rhs`, e.g. for a precondition.
pub fn equals(lhs: Expression, rhs: Expression) -> Expression {
    Expression::from(BinaryOp::new(lhs, BinaryOperator::Eq, rhs))
}

/// One piece of a [`template`].
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Literal text, escaped as needed.
    Lit(String),
    /// An interpolated expression, written as `${expr}`.
    Interp(Expression),
}

/// Literal text for a [`template`].
pub fn lit(s: impl Into<String>) -> Part {
    Part::Lit(s.into())
}

/// An interpolation for a [`template`].
pub fn interp(expr: Expression) -> Part {
    Part::Interp(expr)
}

/// A string template such as `"${aws_s3_bucket.this.arn}/*"` or
/// `"arn:${data.aws_partition.current.partition}:iam::${var.client_account}:root"`.
///
/// Only literal parts yields a plain string. A template made of exactly one interpolation is
/// kept as a template (its value is a string); as an attribute value terraform fmt, and so our
/// renderer, writes it unwrapped as the bare expression.
pub fn template(parts: impl IntoIterator<Item = Part>) -> Expression {
    // Merge adjacent literals so that escaping sees `$` and `{` together.
    let mut merged: Vec<Part> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(Part::Lit(prev)), Part::Lit(next)) => prev.push_str(&next),
            (_, part) => merged.push(part),
        }
    }
    if let [] | [Part::Lit(_)] = merged.as_slice() {
        let text = match merged.pop() {
            Some(Part::Lit(text)) => text,
            _ => String::new(),
        };
        return Expression::String(text);
    }
    let template: Template = merged
        .into_iter()
        .map(|part| match part {
            Part::Lit(text) => Element::Literal(text),
            Part::Interp(expr) => Element::Interpolation(Interpolation::new(expr)),
        })
        .collect();
    // hcl-rs keeps quoted templates as source without the string escapes; the renderer adds
    // them (and hcl-rs's parser produces the same form).
    Expression::from(TemplateExpr::QuotedString(template_source(&template)))
}

/// A block with labels and a body, e.g. `resource "aws_s3_bucket" "this" { ... }`.
pub fn block<'a>(identifier: &str, labels: impl IntoIterator<Item = &'a str>, body: Body) -> Block {
    Block {
        identifier: Identifier::sanitized(identifier),
        labels: labels.into_iter().map(|l| hcl::BlockLabel::String(l.to_owned())).collect(),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fmt::to_terraform_fmt;
    use super::*;

    fn render(expr: Expression) -> String {
        to_terraform_fmt(&Body::builder().add_attribute(("x", expr)).build())
    }

    #[test]
    fn references_render_as_traversals() {
        assert_eq!(render(reference("aws_s3_bucket.this.arn")), "x = aws_s3_bucket.this.arn\n");
        assert_eq!(render(reference("data.aws_iam_policy_document.acme.json")), "x = data.aws_iam_policy_document.acme.json\n");
        assert_eq!(render(var("bucket_name")), "x = var.bucket_name\n");
        assert_eq!(render(reference("a.0.b")), "x = a.0.b\n");
        assert_eq!(render(reference("local")), "x = local\n");
        assert_eq!(render(reference("bad name.x-y")), "x = bad_name.x-y\n");
    }

    #[test]
    fn templates_interpolate() {
        let t = template([interp(reference("aws_s3_bucket.this.arn")), lit("/*")]);
        assert_eq!(render(t), "x = \"${aws_s3_bucket.this.arn}/*\"\n");
        let t = template([
            lit("arn:"),
            interp(reference("data.aws_partition.current.partition")),
            lit(":iam::"),
            interp(var("client_account")),
            lit(":root"),
        ]);
        assert_eq!(render(t), "x = \"arn:${data.aws_partition.current.partition}:iam::${var.client_account}:root\"\n");
    }

    #[test]
    fn template_edge_cases() {
        assert_eq!(render(template([])), "x = \"\"\n");
        assert_eq!(render(template([lit("a"), lit("b")])), "x = \"ab\"\n");
        // `$` + `{` split over two literals is still escaped.
        assert_eq!(render(template([lit("$"), lit("{x}")])), "x = \"$${x}\"\n");
        // A single interpolation is unwrapped as an attribute value, as terraform fmt does.
        assert_eq!(render(template([interp(var("a"))])), "x = var.a\n");
        // ... but not inside an object.
        assert_eq!(render(object([("k", template([interp(var("a"))]))])), "x = {\n  k = \"${var.a}\"\n}\n");
        // A literal `$` right before an interpolation.
        assert_eq!(render(template([lit("cost $$"), interp(var("a"))])), "x = \"cost ${\"$$\"}${var.a}\"\n");
        assert_eq!(render(template([lit("\"q\" \\ ${"), interp(var("a"))])), "x = \"\\\"q\\\" \\\\ $${${var.a}\"\n");
        assert_eq!(render(template([lit("o:"), interp(object([("a", Expression::from(1))]))])), "x = \"o:${ { a = 1 } }\"\n");
    }

    #[test]
    fn plain_strings_are_escaped() {
        assert_eq!(render(string("${not} %{this}")), "x = \"$${not} %%{this}\"\n");
        assert_eq!(render(string("$${x}")), "x = \"$$${x}\"\n");
        assert_eq!(render(string("q\"b\\n\nt\té\u{1}")), "x = \"q\\\"b\\\\n\\nt\\té\\u0001\"\n");
    }

    #[test]
    fn calls_types_and_conditions() {
        assert_eq!(render(call("toset", [strings(["a", "b"])])), "x = toset([\"a\", \"b\"])\n");
        assert_eq!(render(type_keyword("string")), "x = string\n");
        assert_eq!(render(type_of("map", type_keyword("string"))), "x = map(string)\n");
        assert_eq!(
            render(equals(reference("data.aws_caller_identity.current.account_id"), var("account_id"))),
            "x = data.aws_caller_identity.current.account_id == var.account_id\n"
        );
        assert_eq!(render(references(["aws_s3_bucket_public_access_block.this"])), "x = [aws_s3_bucket_public_access_block.this]\n");
    }

    #[test]
    fn object_keys_are_quoted_when_needed() {
        let o = object([("team", string("x")), ("with-dash", string("y")), ("null", string("z")), ("a b", string("w"))]);
        assert_eq!(
            render(o),
            "x = {\n  team        = \"x\"\n  \"with-dash\" = \"y\"\n  \"null\"      = \"z\"\n  \"a b\"       = \"w\"\n}\n"
        );
    }

    #[test]
    fn blocks_with_and_without_labels() {
        let body = Body::builder()
            .add_block(block(
                "resource",
                ["aws_s3_bucket", "this"],
                Body::builder().add_block(block("lifecycle", [], Body::builder().add_attribute(("prevent_destroy", true)).build())).build(),
            ))
            .build();
        assert_eq!(to_terraform_fmt(&body), "resource \"aws_s3_bucket\" \"this\" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n");
    }
}
