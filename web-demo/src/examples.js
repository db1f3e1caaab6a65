// Starting points: the repository's own examples (bundled at build time) and a few small
// manifests that show one problem each.
const shop = import.meta.glob("../../examples/shop/*.yaml", { query: "?raw", import: "default", eager: true });
const chart = import.meta.glob("../../examples/charts/checkout/**/*", { query: "?raw", import: "default", eager: true });

const strip = (prefix, files) =>
  Object.entries(files)
    .map(([path, content]) => ({ path: path.slice(prefix.length), content }))
    .sort((a, b) => a.path.localeCompare(b.path));

export const manifests = [
  {
    name: "Pod with common problems",
    content: `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: nginx:latest
      ports:
        - containerPort: 22
      securityContext:
        privileged: true
      env:
        - name: DB_PASSWORD
          value: hunter2-but-longer
`,
  },
  ...strip("../../examples/shop/", shop).map(({ path, content }) => ({ name: `examples/shop/${path}`, content })),
  {
    name: "Removed API version",
    content: `apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: legacy
  namespace: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            backend: {serviceName: web, servicePort: 80}
`,
  },
];

/** The example chart: its files by path inside the chart. */
export const chartExample = {
  name: "examples/charts/checkout",
  files: strip("../../examples/charts/checkout/", chart),
};
