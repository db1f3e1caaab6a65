# METADATA
# title: Ingress routes to a missing Service or port
# description: |
#   An Ingress backend names a Service of the Ingress's namespace and one of its ports, by
#   number or by name. When the Service is missing (renamed, in another namespace, not
#   deployed) or does not expose that port, the controller answers the route with errors,
#   and some controllers reject or skip the whole Ingress. The Services of the lint run are
#   the ones known, so lint Ingresses together with their Services. Resource backends and
#   ExternalName Services without ports are not checked.
# custom:
#   id: KW213
#   name: ingress-backend-missing
#   severity: warning
#   kinds: [Ingress]
#   remediation: Point the backend at a Service of the Ingress's namespace, and at a port number or name that the Service exposes.
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource
#     - https://kubernetes.io/docs/concepts/services-networking/ingress/#default-backend
#   peers:
#     kube-linter: [dangling-ingress]
#     kubescape: [dangling-ingress-backend]
package kubeward.rules.network.ingress_backend_missing

import rego.v1

# Every Service backend, with its path.
backends contains {"backend": backend, "path": ["spec", "defaultBackend"]} if {
	backend := input.spec.defaultBackend
	is_object(backend)
}

backends contains {"backend": backend, "path": ["spec", "rules", i, "http", "paths", j, "backend"]} if {
	some i, rule in data.kubeward.lib.list(object.get(input, ["spec", "rules"], []))
	is_object(rule)
	some j, path in data.kubeward.lib.list(object.get(rule, ["http", "paths"], []))
	is_object(path)
	backend := path.backend
	is_object(backend)
}

deny contains finding if {
	ns := data.kubeward.lib.input_namespace
	some entry in backends
	name := entry.backend.service.name
	is_string(name)
	count(data.kubeward.lib.objects_named("Service", ns, name)) == 0
	finding := {
		"msg": sprintf("Ingress %q routes to Service %q, which is not in namespace %q", [data.kubeward.lib.input_name, name, ns]),
		"path": array.concat(entry.path, ["service", "name"]),
	}
}

deny contains finding if {
	ns := data.kubeward.lib.input_namespace
	some entry in backends
	name := entry.backend.service.name
	services := data.kubeward.lib.objects_named("Service", ns, name)
	count(services) > 0
	port := entry.backend.service.port
	is_object(port)
	some field, value in port
	field in {"number", "name"}
	every service in services {
		not exposes(service, field, value)
	}
	finding := {
		"msg": sprintf("Ingress %q routes to port %s of Service %q, which does not expose it", [data.kubeward.lib.input_name, format(value), name]),
		"path": array.concat(entry.path, ["service", "port", field]),
		"related": [{
			"path": ["spec", "ports"],
			"object": data.kubeward.lib.network.ref(services[0]),
			"msg": sprintf("the ports of Service %q", [name]),
		}],
	}
}

# ExternalName Services, and Services without ports, are not judged.
exposes(service, _, _) if count(data.kubeward.lib.list(object.get(service, ["spec", "ports"], []))) == 0

exposes(service, _, _) if object.get(service, ["spec", "type"], "") == "ExternalName"

exposes(service, "number", value) if {
	some port in data.kubeward.lib.list(service.spec.ports)
	port.port == value
}

exposes(service, "name", value) if {
	some port in data.kubeward.lib.list(service.spec.ports)
	port.name == value
}

format(value) := sprintf("%q", [value]) if is_string(value)

else := sprintf("%v", [value])
