//! Sprig's `semver` and `semverCompare` over the crate's semantic versions
//! ([`crate::semver`]): a `semver` result is a `*semver.Version` with its methods.

use std::cmp::Ordering;
use std::rc::Rc;

use crate::funcs::args::{arity, string};
use crate::semver::{Constraints, Version};
use crate::template::Funcs;
use crate::template::value::{Object, Value};

pub(super) fn register(funcs: &mut Funcs) {
    funcs.insert("semver", |_, args| {
        arity("semver", args, 1)?;
        let version = Version::parse(&string("semver", args, 0)?)?;
        Ok(Value::Object(Rc::new(version)))
    });
    funcs.insert("semverCompare", |_, args| {
        arity("semverCompare", args, 2)?;
        let constraints = Constraints::parse(&string("semverCompare", args, 0)?)?;
        let version = Version::parse(&string("semverCompare", args, 1)?)?;
        Ok(Value::Bool(constraints.check(&version)))
    });
}

/// Another version given to a method: a `semver` result or a version string.
fn version_arg(args: &[Value]) -> Result<Version, String> {
    let Some(value) = args.first() else {
        return Err("wrong number of args: want 1 got 0".to_owned());
    };
    let version = match value {
        Value::Object(object) => object
            .as_any()
            .and_then(|a| a.downcast_ref::<Version>())
            .cloned(),
        _ => None,
    };
    version.ok_or_else(|| {
        format!(
            "wrong type for value; expected *semver.Version; got {}",
            value.type_name()
        )
    })
}

impl Object for Version {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let int = |n: u64| Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)));
        let no_args = |value: Result<Value, String>| {
            if args.is_empty() {
                value
            } else {
                Err(format!(
                    "wrong number of args for {name}: want 0 got {}",
                    args.len()
                ))
            }
        };
        Some(match name {
            "Major" => no_args(int(self.major)),
            "Minor" => no_args(int(self.minor)),
            "Patch" => no_args(int(self.patch)),
            "Prerelease" => no_args(Ok(Value::from(self.pre.as_str()))),
            "Metadata" => no_args(Ok(Value::from(self.metadata.as_str()))),
            "Original" => no_args(Ok(Value::from(self.original.as_str()))),
            "String" => no_args(Ok(Value::from(self.to_string()))),
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal" => version_arg(args).map(|other| {
                let order = self.compare(&other);
                match name {
                    "Compare" => Value::Int(match order {
                        Ordering::Less => -1,
                        Ordering::Equal => 0,
                        Ordering::Greater => 1,
                    }),
                    "LessThan" => Value::Bool(order == Ordering::Less),
                    "LessThanEqual" => Value::Bool(order != Ordering::Greater),
                    "GreaterThan" => Value::Bool(order == Ordering::Greater),
                    "GreaterThanEqual" => Value::Bool(order != Ordering::Less),
                    _ => Value::Bool(order == Ordering::Equal),
                }
            }),
            _ => return None,
        })
    }

    fn format(&self) -> String {
        self.to_string()
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
