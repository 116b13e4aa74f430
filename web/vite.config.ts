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
    // MapLibre alone is about 1.1 MB (295 kB gzipped); it loads only on the map screen.
    chunkSizeWarningLimit: 1200,
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
    // No canvas or WebGL in jsdom: charts draw into a recorder (src/test/uplotFake.ts) instead of
    // uPlot, and the map places its markers without drawing (src/test/maplibreFake.ts).
    alias: [
      { find: /^uplot$/, replacement: fileURLToPath(new URL("./src/test/uplotFake.ts", import.meta.url)) },
      { find: /^maplibre-gl$/, replacement: fileURLToPath(new URL("./src/test/maplibreFake.ts", import.meta.url)) },
    ],
  },
});
