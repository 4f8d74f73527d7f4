"""Output targets: send one outbox message, or raise. Webhook (httpx), MQTT (paho-mqtt), relay (pyserial,
gpiod, httpx).

A target's ``send`` raising means "not delivered, try again later" (the worker keeps the message pending
with backoff, then dead-letters it); returning means the receiver acknowledged it (HTTP 2xx, MQTT PUBACK,
bytes written to the relay). Each target is used by one delivery thread only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from typing import Protocol
from urllib.parse import unquote, urlsplit

from kiosk.config import OutputConfig
from kiosk.store import OutboxItem

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Kiosk-Signature"


class Target(Protocol):
    """Something an outbox message is delivered to."""

    name: str
    # Messages older than this are not sent any more but dead-lettered (a door must not open minutes after
    # the person left); None: no limit.
    max_age_s: float | None

    def send(self, item: OutboxItem) -> None:
        """Deliver ``item`` or raise."""

    def close(self) -> None:
        """Release connections."""


def body_bytes(item: OutboxItem) -> bytes:
    """The exact bytes sent (and signed): compact JSON of the stored payload."""
    return json.dumps(item.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of body with secret>``, the X-Kiosk-Signature header's value."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """A receiver's check of the signature (constant-time compare)."""
    return hmac.compare_digest(sign(secret, body), header or "")


class WebhookTarget:
    """HTTP POST of the event's JSON, signed with HMAC-SHA256 when a secret is set; any 2xx is delivered."""

    max_age_s: float | None = None

    def __init__(self, cfg: OutputConfig) -> None:
        import httpx

        self.name = cfg.name
        self.url = cfg.url
        self.secret = cfg.secret
        self._client = httpx.Client(timeout=cfg.timeout_s, verify=cfg.verify_tls,
                                    headers={"User-Agent": "face-kiosk-outbox"})

    def send(self, item: OutboxItem) -> None:
        body = body_bytes(item)
        headers = {"Content-Type": "application/json", "X-Kiosk-Event-Id": item.event_id}
        if self.secret:
            headers[SIGNATURE_HEADER] = sign(self.secret, body)
        r = self._client.post(self.url, content=body, headers=headers)
        if not 200 <= r.status_code < 300:
            raise RuntimeError(f"HTTP {r.status_code} from {self.url}")

    def close(self) -> None:
        self._client.close()


class MqttTarget:
    """Publishes to ``<prefix>/<kiosk_id>/<kind>`` at QoS 1 (delivered = the broker's PUBACK).

    ``<prefix>/<kiosk_id>/availability`` is "online" (retained) while connected and the broker's last will
    sets it "offline" when the kiosk drops away. With ``discovery``, Home Assistant's MQTT discovery
    announces a "last person checked in" sensor.
    """

    max_age_s: float | None = None

    def __init__(self, cfg: OutputConfig, kiosk_id: str) -> None:
        import paho.mqtt.client as mqtt

        self.name = cfg.name
        self.kiosk_id = kiosk_id
        self.prefix = cfg.prefix.strip("/") or "kiosk"
        self.timeout_s = cfg.timeout_s
        self.discovery = cfg.discovery
        self.availability = f"{self.prefix}/{kiosk_id}/availability"
        u = urlsplit(cfg.url)
        tls = u.scheme == "mqtts"
        self._connected = threading.Event()
        self._client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"kiosk-{kiosk_id}-{cfg.name}")
        user = cfg.username or unquote(u.username or "")
        if user:
            self._client.username_pw_set(user, cfg.password or unquote(u.password or ""))
        if tls:
            self._client.tls_set(ca_certs=cfg.ca_file or None)
        self._client.will_set(self.availability, "offline", qos=1, retain=True)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = lambda *_a: self._connected.clear()
        self._client.reconnect_delay_set(1, 30)
        self._client.connect_async(u.hostname or "127.0.0.1", u.port or (8883 if tls else 1883), keepalive=30)
        self._client.loop_start()  # paho's own network thread: reconnects by itself

    def _on_connect(self, client: object, _userdata: object, _flags: object, reason: object, _props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.warning("MQTT output %s: connection refused (%s)", self.name, reason)
            return
        self._client.publish(self.availability, "online", qos=1, retain=True)
        if self.discovery:
            self._client.publish(f"homeassistant/sensor/{self.kiosk_id}_last_person/config", json.dumps({
                "name": f"{self.kiosk_id} last person checked in", "unique_id": f"kiosk_{self.kiosk_id}_last_person",
                "state_topic": f"{self.prefix}/{self.kiosk_id}/checkin", "value_template": "{{ value_json.name }}",
                "json_attributes_topic": f"{self.prefix}/{self.kiosk_id}/checkin",
                "availability_topic": self.availability, "icon": "mdi:account-check"}), qos=1, retain=True)
        self._connected.set()

    def topic(self, kind: str) -> str:
        """Where events of ``kind`` go."""
        return f"{self.prefix}/{self.kiosk_id}/{kind}"

    def send(self, item: OutboxItem) -> None:
        if not self._connected.wait(self.timeout_s):
            raise RuntimeError("not connected to the MQTT broker")
        info = self._client.publish(self.topic(item.kind), body_bytes(item), qos=1)
        info.wait_for_publish(self.timeout_s)
        if not info.is_published():
            raise RuntimeError(f"the MQTT broker did not acknowledge within {self.timeout_s} s (rc {info.rc})")

    def close(self) -> None:
        if self._connected.is_set():
            # A clean goodbye sends no last will, so say "offline" ourselves.
            self._client.publish(self.availability, "offline", qos=1, retain=True).wait_for_publish(1.0)
        self._client.disconnect()
        self._client.loop_stop()


class RelayTarget:
    """Pulses a door relay for ``pulse_ms``: a USB serial board (configurable command bytes), a GPIO line
    (libgpiod) or an HTTP relay (GET of a URL). A message older than ``max_age_s`` is not pulsed."""

    max_age_s: float | None = 15.0

    def __init__(self, cfg: OutputConfig) -> None:
        self.name = cfg.name
        self.cfg = cfg
        self._http = None
        if cfg.relay == "http":
            import httpx

            self._http = httpx.Client(timeout=cfg.timeout_s, verify=cfg.verify_tls)

    def send(self, item: OutboxItem) -> None:
        cfg = self.cfg
        if cfg.relay == "serial":
            import serial

            # Opened per pulse: a board unplugged and plugged back in (new file handle) keeps working.
            with serial.Serial(cfg.device, cfg.baudrate, timeout=cfg.timeout_s, write_timeout=cfg.timeout_s) as port:
                port.write(bytes.fromhex(cfg.on_bytes))
                port.flush()
                time.sleep(cfg.pulse_ms / 1000)
                port.write(bytes.fromhex(cfg.off_bytes))
                port.flush()
        elif cfg.relay == "gpio":
            import gpiod  # optional: only a GPIO relay needs the libgpiod bindings
            from gpiod.line import Direction, Value

            settings = gpiod.LineSettings(direction=Direction.OUTPUT, output_value=Value.INACTIVE)
            with gpiod.request_lines(cfg.gpio_chip, consumer="face-kiosk", config={cfg.gpio_line: settings}) as req:
                req.set_value(cfg.gpio_line, Value.ACTIVE)
                time.sleep(cfg.pulse_ms / 1000)
                req.set_value(cfg.gpio_line, Value.INACTIVE)
        else:
            assert self._http is not None
            r = self._http.get(cfg.url, params={"pulse_ms": cfg.pulse_ms, "event_id": item.event_id})
            if not 200 <= r.status_code < 300:
                raise RuntimeError(f"HTTP {r.status_code} from relay {cfg.url}")

    def close(self) -> None:
        if self._http is not None:
            self._http.close()


def build_target(cfg: OutputConfig, kiosk_id: str) -> Target:
    """The target an ``[[outputs]]`` table describes."""
    if cfg.type == "webhook":
        return WebhookTarget(cfg)
    if cfg.type == "mqtt":
        return MqttTarget(cfg, kiosk_id)
    return RelayTarget(cfg)
