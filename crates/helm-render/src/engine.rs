//! Helm's engine: every template of a chart and its subcharts parsed into one set (parents
//! last, so their `define`s win), each executed with the values of its own chart, and
//! `<no value>` removed from the output as Helm does.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::chart::Chart;
use crate::objects::{Files, chart_map};
use crate::template::value::{Map, Object, Value};
use crate::template::{Funcs, Output, TemplateError, TemplateSet};
use crate::values::Tree;

/// A rendered template file.
#[derive(Debug, Clone)]
pub struct RenderedFile {
    /// `chart/templates/x.yaml` (subcharts: `chart/charts/sub/templates/x.yaml`).
    pub name: String,
    /// The output, with provenance.
    pub output: Output,
}

struct Renderable {
    text: Rc<[u8]>,
    vals: Map,
    base_path: String,
}

/// Every template of `chart` and its subcharts, with the scoped values each renders with.
fn all_templates(
    chart: &Chart,
    parent: &Tree,
    is_root: bool,
    full_path: &str,
    to_yaml: Option<fn(&Value) -> String>,
    out: &mut BTreeMap<String, Renderable>,
) -> Value {
    let values = if is_root {
        parent.get("Values").cloned().unwrap_or_else(Value::new_map)
    } else {
        match parent.get("Values") {
            Some(Value::Map(map)) => match map.borrow().get(chart.name()) {
                Some(Value::Map(own)) => Value::Map(Rc::clone(own)),
                _ => Value::new_map(),
            },
            _ => Value::new_map(),
        }
    };
    let subcharts = Value::new_map();
    let mut next = Tree::new();
    next.insert("Chart".to_owned(), chart_map(&chart.metadata, is_root));
    next.insert(
        "Files".to_owned(),
        Value::Object(Rc::new(Files::new(&chart.files, to_yaml)) as Rc<dyn Object>),
    );
    next.insert(
        "Release".to_owned(),
        parent.get("Release").cloned().unwrap_or_default(),
    );
    next.insert(
        "Capabilities".to_owned(),
        parent.get("Capabilities").cloned().unwrap_or_default(),
    );
    next.insert("Values".to_owned(), values);
    next.insert("Subcharts".to_owned(), subcharts.clone());
    for sub in &chart.dependencies {
        let sub_path = format!("{full_path}/charts/{}", sub.name());
        let sub_next = all_templates(sub, &next, false, &sub_path, to_yaml, out);
        if let Value::Map(map) = &subcharts {
            map.borrow_mut().insert(sub.name().to_owned(), sub_next);
        }
    }
    let next_map: Map = Rc::new(std::cell::RefCell::new(next));
    for template in &chart.templates {
        let base = template.name.rsplit('/').next().unwrap_or(&template.name);
        if chart.is_library() && !base.starts_with('_') {
            continue;
        }
        out.insert(
            format!("{full_path}/{}", template.name),
            Renderable {
                text: Rc::clone(&template.data),
                vals: Rc::clone(&next_map),
                base_path: format!("{full_path}/templates"),
            },
        );
    }
    Value::Map(next_map)
}

/// Helm's parse order: deeper paths first, and at equal depth, reverse lexical order.
fn sort_templates(names: &mut [String]) {
    names.sort_by(|a, b| {
        let (da, db) = (a.matches('/').count(), b.matches('/').count());
        db.cmp(&da).then_with(|| b.cmp(a))
    });
}

/// Renders every template. `top` holds `Values`, `Release` and `Capabilities`.
pub fn render(
    chart: &Chart,
    top: &Tree,
    funcs: &Funcs,
    budget: u64,
    to_yaml: Option<fn(&Value) -> String>,
) -> Result<Vec<RenderedFile>, TemplateError> {
    let mut templates = BTreeMap::new();
    all_templates(chart, top, true, chart.name(), to_yaml, &mut templates);
    let mut names: Vec<String> = templates.keys().cloned().collect();
    sort_templates(&mut names);
    let mut set = TemplateSet::default();
    for name in &names {
        let Some(renderable) = templates.get(name) else {
            continue;
        };
        set.parse(name, &String::from_utf8_lossy(&renderable.text), funcs)?;
    }
    let mut rendered = Vec::new();
    for name in &names {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        let Some(renderable) = templates.get(name) else {
            continue;
        };
        let mut template_info = Tree::new();
        template_info.insert("Name".to_owned(), Value::from(name.as_str()));
        template_info.insert(
            "BasePath".to_owned(),
            Value::from(renderable.base_path.as_str()),
        );
        renderable
            .vals
            .borrow_mut()
            .insert("Template".to_owned(), Value::from(template_info));
        let data = Value::Map(Rc::clone(&renderable.vals));
        let mut output = set.execute(name, &data, funcs, budget)?;
        output.remove_all("<no value>");
        rendered.push(RenderedFile {
            name: name.clone(),
            output,
        });
    }
    Ok(rendered)
}
