"""The otio-tools OpenTimelineIO plugin: a manifest and thin adapter modules.

Registered through the ``opentimelineio.plugins`` entry point; OTIO reads
``plugin_manifest.json`` beside this file. Every plugin name starts with
``otio_tools_`` so none shadows a built-in adapter. The logic lives in
``otio_tools.formats``; these modules only re-export it.
"""
