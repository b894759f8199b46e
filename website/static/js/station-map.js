/* Station map (pages/station_map.html): a progressive enhancement of the list of stations.
 *
 * Without JavaScript, without Leaflet or without tiles the page is the table of stations with
 * their addresses. With them, this script shows the map (hidden in the HTML), puts a marker per
 * station that has coordinates (WGS-84), and adds a "在地图上查看" button to each such row of
 * the table. Data: the JSON in #station-map-data (stations/views.py map_context):
 *   {"stations": [{id, name, url, address, township, lat, lng}],
 *    "tiles": {url, labels_url, attribution, subdomains},
 *    "icon": {url, retina_url, shadow_url}}
 * If tiles fail to load, a status message points to the list; the markers still work. */
(function () {
    "use strict";

    var container = document.getElementById("station-map");
    var dataElement = document.getElementById("station-map-data");
    var status = document.getElementById("station-map-status");
    if (!container || !dataElement || typeof window.L === "undefined") {
        return;
    }

    var data;
    try {
        data = JSON.parse(dataElement.textContent);
    } catch (error) {
        return;
    }
    if (!data || !data.tiles || !data.stations || !data.stations.length) {
        return;
    }

    function say(message) {
        if (status) {
            status.textContent = message;
            status.hidden = false;
        }
    }

    function element(tag, className, text) {
        var node = document.createElement(tag);
        if (className) {
            node.className = className;
        }
        if (text) {
            node.textContent = text;
        }
        return node;
    }

    function popupContent(station) {
        var wrapper = element("div", "station-map__popup");
        var title = element("p", "station-map__popup-title");
        var link = element("a", null, station.name);
        link.href = station.url;
        title.appendChild(link);
        wrapper.appendChild(title);
        wrapper.appendChild(element("p", null, station.township + " · " + station.address));
        return wrapper;
    }

    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false, keyboard: true });
    map.attributionControl.setPrefix(false);

    function tileLayer(url, attribution) {
        var options = { maxZoom: 18, attribution: attribution || "" };
        if (data.tiles.subdomains) {
            options.subdomains = data.tiles.subdomains;
        }
        return L.tileLayer(url, options);
    }

    var failed = false;
    var layers = [tileLayer(data.tiles.url, data.tiles.attribution)];
    if (data.tiles.labels_url) {
        layers.push(tileLayer(data.tiles.labels_url, ""));
    }
    layers.forEach(function (layer) {
        layer.on("tileerror", function () {
            if (!failed) {
                failed = true;
                say("地图底图未能加载，站点位置标记仍可使用；全部站点的地址见下方“站点一览”。");
            }
        });
        layer.addTo(map);
    });

    // Leaflet's default marker, from the URLs the page gives (hashed static file names).
    // In 长辈版 (<html data-mode="elder">) the marker is drawn at 44px wide: a target of 44×44px
    // at least, in the icon's own proportions.
    var markerOptions = { title: "", alt: "", keyboard: true };
    var scale = document.documentElement.getAttribute("data-mode") === "elder" ? 44 / 25 : 1;
    function scaled(x, y) {
        return [Math.round(x * scale), Math.round(y * scale)];
    }
    if (data.icon) {
        markerOptions.icon = L.icon({
            iconUrl: data.icon.url,
            iconRetinaUrl: data.icon.retina_url,
            shadowUrl: data.icon.shadow_url,
            iconSize: scaled(25, 41),
            iconAnchor: scaled(12, 41),
            popupAnchor: scaled(1, -34),
            tooltipAnchor: scaled(16, -28),
            shadowSize: scaled(41, 41)
        });
    }

    var markers = {};
    var bounds = [];
    data.stations.forEach(function (station) {
        var position = [station.lat, station.lng];
        var marker = L.marker(
            position,
            L.extend({}, markerOptions, { title: station.name, alt: station.name })
        );
        marker.bindPopup(popupContent(station));
        marker.addTo(map);
        markers[station.id] = marker;
        bounds.push(position);
    });
    if (bounds.length === 1) {
        map.setView(bounds[0], 15);
    } else {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    }

    function show(id, focusMap) {
        var marker = markers[id];
        if (!marker) {
            return;
        }
        map.setView(marker.getLatLng(), Math.max(map.getZoom(), 15));
        marker.openPopup();
        if (focusMap) {
            container.scrollIntoView({ block: "center" });
            container.focus({ preventScroll: true });
        }
    }

    // A "在地图上查看" button in each row of the table whose station has a marker.
    var rows = document.querySelectorAll("tr[data-station]");
    Array.prototype.forEach.call(rows, function (row) {
        var id = row.getAttribute("data-station");
        var cell = row.querySelector("th");
        if (!markers[id] || !cell) {
            return;
        }
        var name = cell.textContent.trim();
        var button = element("button", "station-map__locate", "在地图上查看");
        button.type = "button";
        button.setAttribute("aria-label", "在地图上查看" + name);
        button.addEventListener("click", function () {
            show(id, true);
        });
        cell.appendChild(document.createElement("br"));
        cell.appendChild(button);
    });

    // A link from a station page: .../map/#station-12 opens that station's marker.
    var match = /^#station-(\d+)$/.exec(window.location.hash);
    if (match) {
        show(match[1], false);
    }
})();
