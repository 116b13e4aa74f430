/**
 * Providers on a MapLibre map. Loaded lazily by the map page, so the library's code downloads only
 * there. Tiles come from the hub's configuration; without them the map is a plain background
 * with the markers and a scale bar. Markers are our own buttons (React, through portals into the
 * elements MapLibre positions), so they speak the chosen language and work with a keyboard.
 */
import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { useTranslation } from "react-i18next";
import type { ProviderCluster } from "../../lib/clusters";
import { MAX_ZOOM, cameraFor, mapStyle, type MapTiles } from "../../lib/mapView";
import type { OnOffer } from "../../lib/onOffer";
import { MapMarker } from "./MapMarker";

// Bundled, the worker is an asset of its own: tell MapLibre where (it would look beside its own file).
maplibregl.setWorkerUrl(workerUrl);

interface Props {
  clusters: ProviderCluster[];
  /** What each provider offers now, by `offerKey` (shown on the selected marker). */
  offers?: ReadonlyMap<string, OnOffer>;
  selectedKey: string | null;
  onSelect: (cluster: ProviderCluster) => void;
  tiles: MapTiles;
}

/** MapLibre's own control texts, from our catalogue. */
function useMapLocale(): Record<string, string> {
  const { t } = useTranslation();
  return {
    "Map.Title": t("map.ui.map"),
    "NavigationControl.ZoomIn": t("map.ui.zoomIn"),
    "NavigationControl.ZoomOut": t("map.ui.zoomOut"),
    "NavigationControl.ResetBearing": t("map.ui.resetBearing"),
    "AttributionControl.ToggleAttribution": t("map.ui.attribution"),
    "ScaleControl.Meters": t("map.ui.meters"),
    "ScaleControl.Kilometers": t("map.ui.kilometers"),
  };
}

export default function ProviderMap({ clusters, selectedKey, onSelect, tiles, offers }: Props) {
  const { t, i18n } = useTranslation();
  const frame = useRef<HTMLDivElement>(null);
  const [map, setMap] = useState<maplibregl.Map | null>(null);
  const [slots, setSlots] = useState<Map<string, HTMLElement>>(new Map());
  const locale = useMapLocale();
  const points = clusters.map((c) => c.at);

  // One map per tile source and language (MapLibre takes its control texts only when created).
  useEffect(() => {
    const container = frame.current;
    if (!container) return;
    const camera = cameraFor(points);
    const created = new maplibregl.Map({
      container,
      style: mapStyle(tiles),
      maxZoom: MAX_ZOOM,
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      locale,
      ...(camera?.kind === "bounds"
        ? { bounds: camera.bounds, fitBoundsOptions: { padding: 48, maxZoom: 16 } }
        : camera
          ? { center: camera.center, zoom: camera.zoom }
          : {}),
    });
    created.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
    created.addControl(new maplibregl.ScaleControl({ unit: "metric", maxWidth: 100 }), "bottom-left");
    if (tiles.tiles) created.addControl(new maplibregl.AttributionControl({ compact: true }), "bottom-right");
    // Tiles that fail to load (no network) leave the background; the markers still show.
    created.on("error", () => undefined);
    setMap(created);
    return () => {
      created.remove();
      setMap(null);
    };
    // The camera follows the markers below; the map itself is made anew only for tiles or language.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tiles.tiles, tiles.attribution, i18n.language]);

  const placeKey = clusters.map((c) => `${c.key}@${c.at.lat},${c.at.lon}`).join("|");
  useEffect(() => {
    if (!map) return;
    const elements = new Map<string, HTMLElement>();
    const markers = clusters.map((cluster) => {
      const element = document.createElement("div");
      element.className = "map-marker";
      elements.set(cluster.key, element);
      return new maplibregl.Marker({ element, anchor: "center" }).setLngLat([cluster.at.lon, cluster.at.lat]).addTo(map);
    });
    setSlots(elements);
    return () => {
      for (const marker of markers) marker.remove();
    };
    // placeKey stands for the clusters' identities and places.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [map, placeKey]);

  const providerCount = clusters.reduce((sum, c) => sum + c.providers.length, 0);
  const markOwn = clusters.some((c) => !c.mine);
  return (
    <div className="map-frame">
      <div
        ref={frame}
        className="map"
        role="group"
        aria-label={t("map.region", { count: providerCount, places: clusters.length })}
        data-testid="provider-map"
      />
      {clusters.map((cluster) => {
        const slot = slots.get(cluster.key);
        return slot
          ? createPortal(
              <MapMarker
                cluster={cluster}
                selected={cluster.key === selectedKey}
                markOwn={markOwn}
                onSelect={onSelect}
                offers={offers}
              />,
              slot,
              cluster.key,
            )
          : null;
      })}
    </div>
  );
}
