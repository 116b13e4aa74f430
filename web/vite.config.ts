import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const hub = process.env.POWERSHARE_HUB ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": { target: hub, changeOrigin: true },
      "/ws": { target: hub, ws: true, changeOrigin: true },
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    // No canvas in jsdom: charts draw into a recorder (src/test/uplotFake.ts) instead of uPlot.
    alias: [{ find: /^uplot$/, replacement: fileURLToPath(new URL("./src/test/uplotFake.ts", import.meta.url)) }],
  },
});
