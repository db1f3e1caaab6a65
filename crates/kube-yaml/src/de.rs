//! Typed reading of a spanned tree with serde: configuration files and rule metadata are read
//! through this, so an unknown key or a wrong type is reported at the node at fault.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::{Entry, Node, Value};
use crate::TextRange;

/// A deserialisation error, located at the node that caused it when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError {
    /// What is wrong.
    pub message: String,
    /// Where, if known.
    pub range: Option<TextRange>,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            range: None,
        }
    }
}

trait Locate<T> {
    fn at(self, range: TextRange) -> Result<T, DeError>;
}

impl<T> Locate<T> for Result<T, DeError> {
    /// The innermost node that fails claims the error; outer nodes leave it alone.
    fn at(self, range: TextRange) -> Result<T, DeError> {
        self.map_err(|mut err| {
            err.range.get_or_insert(range);
            err
        })
    }
}

/// Reads a typed value from a node.
///
/// ```
/// #[derive(Debug, serde::Deserialize)]
/// #[serde(deny_unknown_fields)]
/// struct Config { name: String }
///
/// let file = kube_yaml::parse("name: web\nnmae: typo\n");
/// let root = file.documents[0].root.as_ref().unwrap();
/// let err = kube_yaml::from_node::<Config>(root).unwrap_err();
/// assert!(err.message.contains("unknown field `nmae`"));
/// assert_eq!(err.range.unwrap().start, 10);
/// ```
pub fn from_node<T: DeserializeOwned>(node: &Node) -> Result<T, DeError> {
    T::deserialize(node).at(node.range)
}

impl<'de> de::Deserializer<'de> for &'de Node {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) => visitor.visit_borrowed_str(s),
            Value::Seq(items) => visitor.visit_seq(Items {
                items: items.iter(),
            }),
            Value::Map(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
            }),
        }
        .at(self.range)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .at(self.range)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self).at(self.range)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.value {
            Value::Str(s) => {
                let access: de::value::StrDeserializer<'_, DeError> =
                    s.as_ref().into_deserializer();
                visitor.visit_enum(access)
            }
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
        .at(self.range)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

impl Node {
    fn unexpected(&self) -> de::Unexpected<'_> {
        match &self.value {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Int(i) => de::Unexpected::Signed(*i),
            Value::Float(f) => de::Unexpected::Float(*f),
            Value::Str(s) => de::Unexpected::Str(s),
            Value::Seq(_) => de::Unexpected::Seq,
            Value::Map(_) => de::Unexpected::Map,
        }
    }
}

struct Items<'de> {
    items: std::slice::Iter<'de, Node>,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some(node) => seed.deserialize(node).at(node.range).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'de> {
    entries: std::slice::Iter<'de, Entry>,
    value: Option<&'de Node>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(&entry.value);
        let key: de::value::BorrowedStrDeserializer<'de, DeError> =
            de::value::BorrowedStrDeserializer::new(&entry.key);
        seed.deserialize(key).at(entry.key_range).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(node) => seed.deserialize(node).at(node.range),
            None => Err(de::Error::custom("value requested before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, rename_all = "kebab-case")]
    struct Sample {
        name: String,
        #[serde(default)]
        fail_on: Option<Level>,
        #[serde(default)]
        list: Vec<u32>,
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Level {
        Error,
        Warning,
    }

    fn read(text: &str) -> Result<Sample, DeError> {
        let file = parse(text);
        from_node(file.documents[0].root.as_ref().unwrap())
    }

    #[test]
    fn reads_typed_values() {
        let sample = read("name: web\nfail-on: warning\nlist: [1, 2]\n").unwrap();
        assert_eq!(sample.fail_on, Some(Level::Warning));
        assert_eq!(sample.list, vec![1, 2]);
    }

    #[test]
    fn errors_point_at_the_node_at_fault() {
        let text = "name: web\nlist: [1, two]\n";
        let err = read(text).unwrap_err();
        let range = err.range.unwrap();
        assert_eq!(&text[range.start as usize..range.end as usize], "two");

        let text = "name: web\nfail-on: fatal\n";
        let err = read(text).unwrap_err();
        assert!(
            err.message.contains("unknown variant `fatal`"),
            "{}",
            err.message
        );
        let range = err.range.unwrap();
        assert_eq!(&text[range.start as usize..range.end as usize], "fatal");

        let text = "list: []\n";
        let err = read(text).unwrap_err();
        assert!(err.message.contains("missing field `name`"));
        assert_eq!(err.range.unwrap().start, 0);
    }
}
