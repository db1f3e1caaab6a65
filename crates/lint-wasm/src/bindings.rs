//! The JavaScript functions: each converts its arguments, calls [`crate::api`], and turns
//! the JSON it returns into a JavaScript value. The TypeScript types of the values are
//! written beside this file (`types.d.ts`) and land in the generated declarations.

use std::cell::RefCell;

use js_sys::{Array, JSON, Reflect, Uint8Array};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;

use crate::api::{Content, InputFile, Session};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

#[wasm_bindgen]
extern "C" {
    /// `InputFile[]`.
    #[wasm_bindgen(typescript_type = "InputFile[]")]
    pub type InputFiles;
    /// `LintOptions`.
    #[wasm_bindgen(typescript_type = "LintOptions")]
    pub type LintOptionsValue;
    /// `LintReport`.
    #[wasm_bindgen(typescript_type = "LintReport")]
    pub type LintReportValue;
    /// `RenderResult`.
    #[wasm_bindgen(typescript_type = "RenderResult")]
    pub type RenderResultValue;
    /// `RuleDoc[]`.
    #[wasm_bindgen(typescript_type = "RuleDoc[]")]
    pub type RuleDocs;
}

thread_local! {
    /// The module is single-threaded; the session keeps the compiled rules between calls.
    static SESSION: RefCell<Session> = RefCell::new(Session::new());
}

/// Lints the files with the options (the keys of `.kubeward.yaml`, and
/// `"position-encoding": "utf-16"` for UTF-16 columns and offsets): the report of
/// `kubeward lint --format json`. Throws on invalid options or files.
#[wasm_bindgen]
pub fn lint(
    files: InputFiles,
    options: Option<LintOptionsValue>,
) -> Result<LintReportValue, JsError> {
    let files = input_files(&files)?;
    let options = options_value(options.map(Into::into))?;
    let json = SESSION
        .with(|session| session.borrow_mut().lint(&files, options))
        .map_err(|message| JsError::new(&message))?;
    parse(&json).map(JsCast::unchecked_into)
}

/// Renders the Helm charts among the files (directories holding `Chart.yaml`, or `.tgz`
/// files) with the options' chart settings: the rendered templates with the template
/// position of their bytes, and the problems that stopped a template.
#[wasm_bindgen(js_name = renderChart)]
pub fn render_chart(
    files: InputFiles,
    options: Option<LintOptionsValue>,
) -> Result<RenderResultValue, JsError> {
    let files = input_files(&files)?;
    let options = options_value(options.map(Into::into))?;
    let json = SESSION
        .with(|session| session.borrow_mut().render_chart(&files, options))
        .map_err(|message| JsError::new(&message))?;
    parse(&json).map(JsCast::unchecked_into)
}

/// Lints the files and writes the report as `kubeward lint --format NAME` does, for a name
/// of `formats()`: text to save or show.
#[wasm_bindgen]
pub fn format(
    files: InputFiles,
    options: Option<LintOptionsValue>,
    name: &str,
) -> Result<String, JsError> {
    let files = input_files(&files)?;
    let options = options_value(options.map(Into::into))?;
    SESSION
        .with(|session| session.borrow_mut().format(&files, options, name))
        .map_err(|message| JsError::new(&message))
}

/// The names of the formats `format()` writes (`json`, `compact`, `sarif`, `github`,
/// `junit`, `checkstyle`).
#[wasm_bindgen]
pub fn formats() -> Vec<String> {
    crate::api::formats()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The Kubernetes versions `kube-version` accepts (those with embedded schemas), oldest
/// first; the last is the default.
#[wasm_bindgen(js_name = kubeVersions)]
pub fn kube_versions() -> Vec<String> {
    crate::api::kube_versions()
}

/// The built-in rules, with their documentation.
#[wasm_bindgen]
pub fn rules() -> Result<RuleDocs, JsError> {
    let json = SESSION
        .with(|session| session.borrow_mut().rules())
        .map_err(|message| JsError::new(&message))?;
    parse(&json).map(JsCast::unchecked_into)
}

/// The version of kubeward.
#[wasm_bindgen]
pub fn version() -> String {
    crate::api::version().to_owned()
}

fn parse(json: &str) -> Result<JsValue, JsError> {
    JSON::parse(json).map_err(|_| JsError::new("the result is not JSON"))
}

fn input_files(files: &InputFiles) -> Result<Vec<InputFile>, JsError> {
    let value: &JsValue = files.as_ref();
    if !Array::is_array(value) {
        return Err(JsError::new("files must be an array of {path, content}"));
    }
    let array: &Array = value.unchecked_ref();
    let mut out = Vec::with_capacity(array.length() as usize);
    for (index, item) in array.iter().enumerate() {
        let field = |name: &str| Reflect::get(&item, &JsValue::from_str(name)).ok();
        let Some(path) = field("path").and_then(|p| p.as_string()) else {
            return Err(JsError::new(&format!(
                "files[{index}].path must be a string"
            )));
        };
        let content = match field("content") {
            Some(text) if text.is_string() => Content::Text(text.as_string().unwrap_or_default()),
            Some(bytes) if bytes.is_instance_of::<Uint8Array>() => {
                Content::Bytes(bytes.unchecked_into::<Uint8Array>().to_vec())
            }
            _ => {
                return Err(JsError::new(&format!(
                    "files[{index}].content must be a string or a Uint8Array"
                )));
            }
        };
        out.push(InputFile { path, content });
    }
    Ok(out)
}

fn options_value(options: Option<JsValue>) -> Result<serde_json::Value, JsError> {
    let Some(options) = options.filter(|o| !o.is_undefined() && !o.is_null()) else {
        return Ok(serde_json::Value::Null);
    };
    let text = JSON::stringify(&options)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| JsError::new("options must be JSON data"))?;
    serde_json::from_str(&text).map_err(|err| JsError::new(&format!("invalid options: {err}")))
}
