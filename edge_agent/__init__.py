"""PowerShare edge agent: reads SunSpec devices, publishes to MQTT, carries out battery dispatch."""

__version__ = "0.1.0"
