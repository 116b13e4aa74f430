"""SunSpec over Modbus: register codec, model maps as data, discovery and device access."""
