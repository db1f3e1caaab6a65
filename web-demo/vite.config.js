// The playground is a static site: relative asset paths (it works from any directory of any
// static server, and offline), the linter's WebAssembly module bundled as an asset, and the
// Web Worker built as an ES module.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    target: "es2022",
    // The module is one large asset by nature; the budget is checked by its own build.
    chunkSizeWarningLimit: 1024,
    assetsInlineLimit: 0,
  },
  worker: { format: "es" },
  server: { fs: { allow: [".."] } },
});
