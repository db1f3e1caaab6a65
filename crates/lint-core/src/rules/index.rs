//! The run's indexes, `data.kubeward.index`, computed in Rust: the value of the package
//! `kubeward.lib.index` (rules/lib/index.rego), which defines them and stays their reference.
//! Evaluated by the interpreter, the package took 120-150 ms of a 10,000-object run on two
//! threads, and its engine had to be made for every run, one small file included. A test
//! compares the two on every fixture and the shared manifests
//! (`the_indexes_built_in_rust_are_the_packages_value`). With a user's files, which might add
//! to the package, the interpreter evaluates it instead.
//!
//! Each function below follows the rule of the same name; the Rego is quoted where its
//! semantics decide a detail (what a missing or ill-typed field gives).

use std::collections::{BTreeMap, BTreeSet};

use regorus::Value;

/// The kinds with a pod template, and the path of its metadata, as
/// `data.kubeward.lib.pod_metadata_paths`.
const POD_METADATA_PATHS: [(&str, &[&str]); 9] = [
    (
        "CronJob",
        &["spec", "jobTemplate", "spec", "template", "metadata"],
    ),
    ("DaemonSet", &["spec", "template", "metadata"]),
    ("Deployment", &["spec", "template", "metadata"]),
    ("Job", &["spec", "template", "metadata"]),
    ("Pod", &["metadata"]),
    ("PodTemplate", &["template", "metadata"]),
    ("ReplicaSet", &["spec", "template", "metadata"]),
    ("ReplicationController", &["spec", "template", "metadata"]),
    ("StatefulSet", &["spec", "template", "metadata"]),
];

/// The value of `data.kubeward.lib.index` for a run whose inventory is `inventory`
/// (`{kind: {namespace: {name: [object]}}}`), with `data.kubeward` as `environment`.
pub(crate) fn build(inventory: &Value, environment: &Value) -> Value {
    let (workloads, bindings) = crate::lint::join(|| workloads(inventory), || bindings(inventory));
    let (workloads, bindings) = (&workloads, &bindings);
    // The indexes are independent of each other: they are built at the same time, the
    // labels' two first (together half of the work).
    type Part<'a> = (&'static str, Box<dyn Fn() -> Value + Send + Sync + 'a>);
    let parts: Vec<Part> = vec![
        (
            "workloads_by_label",
            Box::new(|| workloads_by_label(workloads)),
        ),
        (
            "workloads_by_labels",
            Box::new(|| workloads_by_labels(workloads)),
        ),
        (
            "label_sets_by_label",
            Box::new(|| label_sets_by_label(workloads)),
        ),
        ("workloads", Box::new(|| by_namespace(workloads))),
        (
            "namespaces_with_workloads",
            Box::new(|| namespaces_with_workloads(workloads)),
        ),
        (
            "namespaces_with_custom_resources",
            Box::new(|| namespaces_with_custom_resources(inventory)),
        ),
        (
            "cluster_role_bindings",
            Box::new(|| cluster_role_bindings(bindings)),
        ),
        ("role_bindings", Box::new(|| role_bindings(bindings))),
        (
            "service_account_bindings",
            Box::new(|| service_account_bindings(bindings, environment)),
        ),
        (
            "service_accounts_by_name",
            Box::new(|| service_accounts_by_name(inventory)),
        ),
        (
            "_workloads",
            Box::new(|| {
                Value::from(
                    workloads
                        .iter()
                        .map(|w| pair("namespace", &w.namespace, "object", &w.object))
                        .collect::<Vec<_>>(),
                )
            }),
        ),
        (
            "_bindings",
            Box::new(|| {
                Value::from(
                    bindings
                        .iter()
                        .map(|b| {
                            Value::from(BTreeMap::from([
                                (Value::from("kind"), Value::from(b.kind)),
                                (Value::from("namespace"), b.namespace.clone()),
                                (Value::from("binding"), b.binding.clone()),
                            ]))
                        })
                        .collect::<Vec<_>>(),
                )
            }),
        ),
    ];
    let index: BTreeMap<Value, Value> =
        crate::lint::par_map(parts, |(name, part)| (Value::from(name), part()))
            .into_iter()
            .collect();
    Value::from(index)
}

struct Workload {
    namespace: Value,
    object: Value,
    /// `_pod_labels(object)`.
    label_set: Value,
    /// `_pod_labels(object)`, as (key, value) pairs.
    labels: Vec<(Value, Value)>,
}

struct Binding {
    kind: &'static str,
    namespace: Value,
    binding: Value,
}

/// The entries of an object in Rego's iteration order (by key); none for another value.
fn entries(value: &Value) -> Vec<(&Value, &Value)> {
    value
        .as_object()
        .map(|object| object.iter_sorted().collect())
        .unwrap_or_default()
}

/// The elements of an array (`some x in value` over an object gives its values, which the
/// inventory never has where an array is expected).
fn elements(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(array) => array.iter().collect(),
        other => entries(other).into_iter().map(|(_, v)| v).collect(),
    }
}

fn pair(k1: &str, v1: &Value, k2: &str, v2: &Value) -> Value {
    Value::from(BTreeMap::from([
        (Value::from(k1), v1.clone()),
        (Value::from(k2), v2.clone()),
    ]))
}

/// `_workloads`: every object of a kind with a pod template, by kind, namespace and name.
fn workloads(inventory: &Value) -> Vec<Workload> {
    let mut out = Vec::new();
    let kind_key = Value::from("kind");
    // `_pod_labels(obj)`: the labels of its pods (by its own kind) when they are an object,
    // else `{}`.
    let labels_paths: Vec<(&str, Vec<Value>)> = POD_METADATA_PATHS
        .iter()
        .map(|(kind, path)| {
            let steps = path.iter().copied().chain(["labels"]).map(Value::from);
            (*kind, steps.collect())
        })
        .collect();
    let labels_of = |object: &Value| -> Value {
        let Value::String(kind) = &object[&kind_key] else {
            return Value::new_object();
        };
        let Some((_, path)) = labels_paths.iter().find(|(k, _)| *k == &**kind) else {
            return Value::new_object();
        };
        match path.iter().fold(object, |current, step| &current[step]) {
            labels @ Value::Object(_) => labels.clone(),
            _ => Value::new_object(),
        }
    };
    for (kind, _) in POD_METADATA_PATHS {
        let by_namespace = &inventory[&Value::from(kind)];
        for (namespace, by_name) in entries(by_namespace) {
            for (_, objects) in entries(by_name) {
                for object in elements(objects) {
                    let label_set = labels_of(object);
                    let labels = entries(&label_set)
                        .into_iter()
                        .map(|(key, value)| (key.clone(), value.clone()))
                        .collect();
                    out.push(Workload {
                        namespace: namespace.clone(),
                        object: object.clone(),
                        label_set,
                        labels,
                    });
                }
            }
        }
    }
    out
}

/// Inserts `item` into the set at `keys` of nested objects, creating what is missing.
fn insert_nested(root: &mut Value, keys: &[&Value], item: Value) {
    let Some((last, path)) = keys.split_last() else {
        return;
    };
    let mut current = root;
    for key in path {
        let Ok(object) = current.as_object_mut() else {
            return;
        };
        current = object.get_or_insert_with((*key).clone(), Value::new_object);
    }
    let Ok(object) = current.as_object_mut() else {
        return;
    };
    if let Ok(set) = object
        .get_or_insert_with((*last).clone(), Value::new_set)
        .as_set_mut()
    {
        set.insert(item);
    }
}

fn by_namespace(workloads: &[Workload]) -> Value {
    let mut index = Value::new_object();
    for (i, w) in workloads.iter().enumerate() {
        insert_nested(
            &mut index,
            &[&w.namespace],
            Value::from(vec![Value::from(i), w.object.clone()]),
        );
    }
    index
}

fn namespaces_with_workloads(workloads: &[Workload]) -> Value {
    let namespaces: BTreeMap<Value, Value> = workloads
        .iter()
        .map(|w| (w.namespace.clone(), Value::from(true)))
        .collect();
    Value::from(namespaces)
}

fn workloads_by_label(workloads: &[Workload]) -> Value {
    let mut index = Value::new_object();
    for (i, w) in workloads.iter().enumerate() {
        for (key, value) in &w.labels {
            insert_nested(
                &mut index,
                &[&w.namespace, key, value],
                Value::from(vec![Value::from(i), w.object.clone()]),
            );
        }
    }
    index
}

fn workloads_by_labels(workloads: &[Workload]) -> Value {
    let mut index = Value::new_object();
    for (i, w) in workloads.iter().enumerate() {
        insert_nested(
            &mut index,
            &[&w.label_set],
            Value::from(vec![
                Value::from(i),
                pair("namespace", &w.namespace, "object", &w.object),
            ]),
        );
    }
    index
}

fn label_sets_by_label(workloads: &[Workload]) -> Value {
    // `some labels, _ in workloads_by_labels`: each distinct label set once.
    let label_sets: BTreeMap<&Value, &[(Value, Value)]> = workloads
        .iter()
        .map(|w| (&w.label_set, w.labels.as_slice()))
        .collect();
    let mut index = Value::new_object();
    for (label_set, labels) in label_sets {
        for (key, value) in labels {
            insert_nested(&mut index, &[key, value], label_set.clone());
        }
    }
    index
}

/// `data.kubeward.lib.network.custom_group(api_version)`: `group/version` with a dot in the
/// group, which does not end in `.k8s.io`.
fn custom_group(api_version: &Value) -> bool {
    let Value::String(api_version) = api_version else {
        return false;
    };
    // `count(split(api_version, "/")) == 2`
    match api_version.split_once('/') {
        Some((group, version)) if !version.contains('/') => {
            group.contains('.') && !group.ends_with(".k8s.io")
        }
        _ => false,
    }
}

fn namespaces_with_custom_resources(inventory: &Value) -> Value {
    let (api_version, spec, template) = (
        Value::from("apiVersion"),
        Value::from("spec"),
        Value::from("template"),
    );
    // `not is_object(object.get(obj, ["spec", "template"], null))`
    let custom = |object: &Value| {
        custom_group(&object[&api_version]) && !matches!(object[&spec][&template], Value::Object(_))
    };
    let mut namespaces = BTreeSet::new();
    for (_, by_namespace) in entries(inventory) {
        for (namespace, by_name) in entries(by_namespace) {
            if !namespaces.contains(namespace)
                && entries(by_name)
                    .into_iter()
                    .any(|(_, objects)| elements(objects).into_iter().any(custom))
            {
                namespaces.insert(namespace.clone());
            }
        }
    }
    Value::from(namespaces)
}

/// `_bindings`: ClusterRoleBindings, then RoleBindings, by namespace and name.
fn bindings(inventory: &Value) -> Vec<Binding> {
    let mut out = Vec::new();
    for kind in ["ClusterRoleBinding", "RoleBinding"] {
        for (namespace, by_name) in entries(&inventory[&Value::from(kind)]) {
            for (_, same) in entries(by_name) {
                for binding in elements(same) {
                    out.push(Binding {
                        kind,
                        namespace: namespace.clone(),
                        binding: binding.clone(),
                    });
                }
            }
        }
    }
    out
}

/// `binding.roleRef.<field>`, undefined when missing.
fn role_ref<'a>(binding: &'a Value, field: &str) -> &'a Value {
    &binding[&Value::from("roleRef")][&Value::from(field)]
}

fn cluster_role_bindings(bindings: &[Binding]) -> Value {
    let mut index = Value::new_object();
    for (i, b) in bindings.iter().enumerate() {
        let name = role_ref(&b.binding, "name");
        if *role_ref(&b.binding, "kind") == Value::from("ClusterRole") && *name != Value::Undefined
        {
            insert_nested(
                &mut index,
                &[name],
                Value::from(vec![Value::from(i), b.binding.clone()]),
            );
        }
    }
    index
}

fn role_bindings(bindings: &[Binding]) -> Value {
    let mut index = Value::new_object();
    for (i, b) in bindings.iter().enumerate() {
        let name = role_ref(&b.binding, "name");
        if b.kind == "RoleBinding"
            && *role_ref(&b.binding, "kind") == Value::from("Role")
            && *name != Value::Undefined
        {
            insert_nested(
                &mut index,
                &[&b.namespace, name],
                Value::from(vec![Value::from(i), b.binding.clone()]),
            );
        }
    }
    index
}

/// `data.kubeward.lib.namespace(obj)`: its own namespace, `""` for a cluster-scoped kind, else
/// the run's default.
fn namespace_of(object: &Value, environment: &Value) -> Value {
    let own = &object[&Value::from("metadata")][&Value::from("namespace")];
    if *own != Value::Undefined {
        return own.clone();
    }
    let kind = &object[&Value::from("kind")];
    let scoped = &environment[&Value::from("cluster_scoped")][kind];
    // `_cluster_scoped[obj.kind]` holds when it is defined and not false.
    if *kind != Value::Undefined && *scoped != Value::Undefined && *scoped != Value::from(false) {
        return Value::from("");
    }
    environment[&Value::from("default_namespace")].clone()
}

fn service_account_bindings(bindings: &[Binding], environment: &Value) -> Value {
    let mut index = Value::new_object();
    for (i, b) in bindings.iter().enumerate() {
        let order = Value::from(u64::from(b.kind == "ClusterRoleBinding"));
        let subjects = &b.binding[&Value::from("subjects")];
        let Value::Array(subjects) = subjects else {
            continue;
        };
        for (j, subject) in subjects.iter().enumerate() {
            let name = &subject[&Value::from("name")];
            if subject[&Value::from("kind")] != Value::from("ServiceAccount")
                || *name == Value::Undefined
            {
                continue;
            }
            let own = &subject[&Value::from("namespace")];
            let namespace = if *own == Value::Undefined {
                namespace_of(&b.binding, environment)
            } else {
                own.clone()
            };
            if namespace == Value::Undefined {
                continue;
            }
            insert_nested(
                &mut index,
                &[&namespace, name],
                Value::from(vec![
                    order.clone(),
                    Value::from(i),
                    Value::from(j),
                    b.binding.clone(),
                ]),
            );
        }
    }
    index
}

fn service_accounts_by_name(inventory: &Value) -> Value {
    let mut index = Value::new_object();
    for (namespace, by_name) in entries(&inventory[&Value::from("ServiceAccount")]) {
        for (name, objects) in entries(by_name) {
            for (j, object) in elements(objects).into_iter().enumerate() {
                insert_nested(
                    &mut index,
                    &[name],
                    Value::from(vec![namespace.clone(), Value::from(j), object.clone()]),
                );
            }
        }
    }
    index
}
