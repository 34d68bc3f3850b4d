"""Build ``sample_timelines/`` from the shared corpus of AI-generated video.

    python scripts/make_samples.py [--shared ../shared] [--out sample_timelines]

Writes:

- ``ai_short/``: a 24 fps demo short cut from real generator outputs, one H.264 file per shot
  with defects put into some of them, as ``ai_short.otio``, ``ai_short.xml`` (FCP7) and
  ``ai_short.edl`` (CMX3600), plus ``truth.json`` in the QC bench's format and ``CREDITS.md``;
- ``scenarios/``: small timelines named after the editing feature they exercise;
- ``bad/``: unreadable or under-specified inputs.

``--shared`` defaults to ``../shared`` beside the repository. The output is deterministic: the
frames are processed in numpy and encoded single-threaded with fixed encoder settings, so a rerun
with the same PyAV/libx264 gives the same bytes. Only the corpus is needed for the demo media;
the scenarios and bad inputs are built from the demo's timeline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Callable

import av
import cv2
import numpy as np
import opentimelineio as otio

REPO = Path(__file__).resolve().parents[1]
RATE = 24
SIZE = (480, 270)
CRF = 28
START_TC = "01:00:00:00"

LTX2 = "FastVideo/fastvideo/tests/eval/asset/ltx2.mp4"
_FV_A40 = "FastVideo/fastvideo/tests/ssim/A40_reference_videos/"
_FV_L40S = "FastVideo/fastvideo/tests/ssim/L40S_reference_videos/"
_ASTRO = ("An astronaut hatching from an egg, on the surface of the moon, the darkness and depth of "
          "space reali.mp4")
_HIKER = ("A lone hiker stands atop a towering cliff, silhouetted against the vast horizon. "
          "The rugged landscap.mp4")
ASTRO_TURBO = _FV_L40S + "TurboWan2.2-I2V-A14B-Diffusers/SLA_ATTN/" + _ASTRO
ASTRO_WAN = _FV_A40 + "Wan2.1-I2V-14B-480P-Diffusers/FLASH_ATTN/" + _ASTRO
HIKER_HUNYUAN = _FV_A40 + "FastHunyuan-diffusers/FLASH_ATTN/" + _HIKER
HIKER_WAN = _FV_A40 + "Wan2.1-T2V-1.3B-Diffusers/FLASH_ATTN/" + _HIKER

Frames = np.ndarray  # (n, h, w, 3) uint8 RGB
Crop = tuple[int, int, int, int]  # x0, y0, x1, y1 in source pixels


# --- picture operations (pure, on uint8 RGB stacks) -------------------------------------------

def centre_crop_16x9(width: int, height: int) -> Crop:
    """The largest centred 16:9 window of a frame."""
    h = min(height, width * 9 // 16)
    w = min(width, h * 16 // 9)
    x0, y0 = (width - w) // 2, (height - h) // 2
    return x0, y0, x0 + w, y0 + h


def cropped_resized(frames: Frames, crop: Crop, size: tuple[int, int]) -> Frames:
    x0, y0, x1, y1 = crop
    return np.stack([cv2.resize(f[y0:y1, x0:x1], size, interpolation=cv2.INTER_AREA) for f in frames])


def graded(frames: Frames, gain: tuple[float, float, float], gamma: float) -> Frames:
    """A per-channel gain after a gamma: the kind of grade a second render pass leaves."""
    x = (frames.astype(np.float32) / 255.0) ** gamma * np.asarray(gain, np.float32)
    return np.clip(x * 255.0 + 0.5, 0, 255).astype(np.uint8)


def flickered(frames: Frames, first: int, count: int, depth: float, period: float) -> Frames:
    """Luminance oscillation over ``count`` frames from ``first`` (gain 1 +- depth)."""
    out = frames.copy()
    k = np.arange(count, dtype=np.float32)
    gains = 1.0 + depth * np.sin(2 * np.pi * k / period)
    seg = out[first:first + count].astype(np.float32) * gains[:, None, None, None]
    out[first:first + count] = np.clip(seg + 0.5, 0, 255).astype(np.uint8)
    return out


def frozen(frames: Frames, first: int, count: int) -> Frames:
    """Frames ``first .. first+count-1`` replaced by the frame before them (a stalled picture)."""
    out = frames.copy()
    out[first:first + count] = out[first - 1]
    return out


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float64) / 255.0
    c = np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = c @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """CIEDE2000 colour difference of two CIELAB colours (kL = kC = kH = 1)."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    cbar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cbar ** 7 / (cbar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dlp, dcp = L2 - L1, c2p - c1p
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    dhp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    lbar, cbarp = (L1 + L2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hbar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbar = (h1p + h2p) / 2
    else:
        hbar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hbar - 30)) + 0.24 * math.cos(math.radians(2 * hbar))
         + 0.32 * math.cos(math.radians(3 * hbar + 6)) - 0.20 * math.cos(math.radians(4 * hbar - 63)))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / math.sqrt(20 + (lbar - 50) ** 2)
    sc = 1 + 0.045 * cbarp
    sh = 1 + 0.015 * cbarp * t
    rt = (-2 * math.sqrt(cbarp ** 7 / (cbarp ** 7 + 25 ** 7))
          * math.sin(math.radians(60 * math.exp(-(((hbar - 275) / 25) ** 2)))))
    return math.sqrt((dlp / sl) ** 2 + (dcp / sc) ** 2 + (dhp / sh) ** 2 + rt * (dcp / sc) * (dhp / sh))


def mean_colour_delta(a: np.ndarray, b: np.ndarray) -> float:
    """CIEDE2000 between the mean colours of two frames."""
    return ciede2000(_srgb_to_lab(a.reshape(-1, 3).mean(0)), _srgb_to_lab(b.reshape(-1, 3).mean(0)))


# --- the demo short ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Shot:
    """One clip of the demo: which source frames its media holds, what was done to them, what it uses.

    ``media_first``/``media_count`` select source frames for the shot's media file (all by default);
    ``source_start``/``duration`` are the clip's range in media frames; ``edit`` changes the media
    frames (indices are media frames). ``size`` is the media's frame size.
    """

    name: str
    source: str
    source_start: int
    duration: int
    crop: Crop | None = None
    size: tuple[int, int] = SIZE
    media_first: int = 0
    media_count: int | None = None
    edit: Callable[[Frames], Frames] | None = None
    change: str = ""
    note: str = ""


@dataclass(frozen=True)
class BlackGap:
    duration: int


SHOTS: list[Shot | BlackGap] = [
    Shot("shot_010", LTX2, 4, 26, note="backyard two-shot, wide"),
    Shot("shot_020", LTX2, 36, 22, note="the same wide two-shot, six frames later"),
    Shot("shot_030", LTX2, 58, 28, crop=(352, 20, 832, 290),
         edit=lambda f: frozen(f, 66, 8), change="frame 65 held over frames 66-73",
         note="closer on the woman"),
    Shot("shot_040", LTX2, 86, 30, edit=lambda f: flickered(f, 92, 24, depth=0.14, period=6.0),
         change="luminance flicker over frames 92-115", note="back to the wide two-shot"),
    BlackGap(5),
    Shot("shot_050", ASTRO_TURBO, 4, 21, note="moon: the astronaut egg, wide"),
    Shot("shot_060", ASTRO_TURBO, 25, 18, crop=(200, 40, 680, 310),
         edit=lambda f: graded(f, (1.16, 1.0, 0.78), 0.92), change="warm colour grade",
         note="moon: closer on the astronaut"),
    Shot("shot_070", HIKER_WAN, 4, 2, media_first=16, media_count=10,
         note="two frames of an unrelated landscape"),
    Shot("shot_080", ASTRO_WAN, 6, 34, note="moon: the astronaut hatches (another model)"),
    Shot("shot_090", HIKER_HUNYUAN, 8, 30, size=(640, 360), note="a hiker on a cliff, looking out"),
]


# Alternate takes beside the media, which a review finds by name and ranks for the replacement-take
# slots of the shots with errors: each is the same generator output as its shot without the defect
# added here, standing in for a regenerated take.
TAKES: list[Shot] = [
    Shot("shot_040_v002", LTX2, 86, 30, note="another take of shot_040: the same frames without the flicker"),
    Shot("shot_060_take2", ASTRO_TURBO, 25, 18, crop=(200, 40, 680, 310),
         note="another take of shot_060: the same frames without the warm grade"),
]


def manifest_entries(corpus: Path) -> dict[str, dict]:
    entries = json.loads((corpus / "manifest.json").read_text())
    return {e["file"]: e for e in entries}


def decoded(path: Path) -> Frames:
    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def yuv420p_of(rgb: np.ndarray) -> np.ndarray:
    """BT.601 limited-range planar 4:2:0 (the layout ``VideoFrame.from_ndarray`` takes).

    Converted here in numpy, so that the pictures do not depend on the scaler that PyAV ships.
    """
    x = rgb.astype(np.float32) / 255.0
    y = 16 + 65.481 * x[..., 0] + 128.553 * x[..., 1] + 24.966 * x[..., 2]
    cb = 128 - 37.797 * x[..., 0] - 74.203 * x[..., 1] + 112.0 * x[..., 2]
    cr = 128 + 112.0 * x[..., 0] - 93.786 * x[..., 1] - 18.214 * x[..., 2]
    h, w = y.shape

    def sub(c: np.ndarray) -> np.ndarray:
        return c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    planes = [y.reshape(-1), sub(cb).reshape(-1), sub(cr).reshape(-1)]
    out = np.clip(np.concatenate(planes) + 0.5, 0, 255).astype(np.uint8)
    return out.reshape(h * 3 // 2, w)


def video_frame_of(rgb: np.ndarray) -> av.VideoFrame:
    """A yuv420p frame that owns a copy of the picture.

    ``VideoFrame.from_ndarray`` may share the array's memory; the encoder keeps frames for its
    lookahead after the array is gone, which made the output bytes depend on memory reuse.
    The padding at the end of each line repeats the last pixel so that no byte is left unset.
    """
    h, w = rgb.shape[:2]
    yuv = yuv420p_of(rgb).reshape(-1)
    n = h * w
    planes = [yuv[:n].reshape(h, w), yuv[n:n + n // 4].reshape(h // 2, w // 2),
              yuv[n + n // 4:].reshape(h // 2, w // 2)]
    frame = av.VideoFrame(w, h, "yuv420p")
    for plane, data in zip(frame.planes, planes):
        lines = np.empty((plane.height, plane.line_size), np.uint8)
        lines[:, :data.shape[1]] = data
        lines[:, data.shape[1]:] = data[:, -1:]
        plane.update(lines.tobytes())
    return frame


def encode(frames: Frames, path: Path, rate: int = RATE, crf: int = CRF) -> None:
    """H.264 yuv420p with settings that give the same bytes on every run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="mp4", options={"fflags": "+bitexact"}) as out:
        stream = out.add_stream("libx264", rate=Fraction(rate))
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, rate)
        # Without the lookahead (and the macroblock tree that needs it) the bytes are the same
        # from run to run; with it they were not, even single-threaded.
        stream.options = {"crf": str(crf), "preset": "medium", "threads": "1", "flags": "+bitexact",
                          "x264-params": "threads=1:lookahead-threads=1:rc-lookahead=0:mbtree=0"}
        for i, rgb in enumerate(frames):
            frame = video_frame_of(rgb)
            frame.pts = i
            frame.time_base = Fraction(1, rate)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


def media_frames(shot: Shot, corpus: Path) -> Frames:
    src = decoded(corpus / shot.source)
    end = None if shot.media_count is None else shot.media_first + shot.media_count
    src = src[shot.media_first:end]
    crop = shot.crop or centre_crop_16x9(src.shape[2], src.shape[1])
    frames = cropped_resized(src, crop, shot.size)
    return shot.edit(frames) if shot.edit else frames


def rt(frames: float, rate: float = RATE) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, rate)


def tr(start: float, duration: float, rate: float = RATE) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(rt(start, rate), rt(duration, rate))


def media_clip(name: str, url: str, source_start: int, duration: int, media_length: int,
               rate: float = RATE) -> otio.schema.Clip:
    ref = otio.schema.ExternalReference(target_url=url, available_range=tr(0, media_length, rate))
    return otio.schema.Clip(name=name, media_reference=ref, source_range=tr(source_start, duration, rate))


def new_timeline(name: str, rate: float = RATE, start_tc: str = START_TC) -> otio.schema.Timeline:
    """A timeline starting at ``start_tc``; at rates without SMPTE timecode (16 fps), one hour in."""
    timeline = otio.schema.Timeline(name=name)
    if otio.opentime.RationalTime.is_smpte_timecode_rate(rate):
        timeline.global_start_time = otio.opentime.from_timecode(start_tc, rate)
    else:
        timeline.global_start_time = rt(3600 * rate, rate)
    return timeline


def build_short(corpus: Path, out: Path) -> tuple[otio.schema.Timeline, dict[str, Frames]]:
    """Encode the shots' media and return the timeline and each shot's media frames."""
    timeline = new_timeline("ai_short")
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    frames_of: dict[str, Frames] = {}
    for item in SHOTS:
        if isinstance(item, BlackGap):
            track.append(otio.schema.Gap(source_range=tr(0, item.duration)))
            continue
        frames = media_frames(item, corpus)
        assert 0 < item.source_start and item.source_start + item.duration < len(frames), item.name
        encode(frames, out / "media" / f"{item.name}.mp4")
        frames_of[item.name] = frames
        clip = media_clip(item.name, f"media/{item.name}.mp4", item.source_start, item.duration,
                          len(frames))
        clip.metadata["generated_from"] = {"corpus_file": item.source, "note": item.note}
        track.append(clip)
    for take in TAKES:
        encode(media_frames(take, corpus), out / "media" / f"{take.name}.mp4")
    return timeline, frames_of


def record_of(timeline: otio.schema.Timeline) -> dict[str, tuple[int, int]]:
    """Record start and duration (frames from the timeline's first frame) of each item by name."""
    track = timeline.video_tracks()[0]
    out = {}
    for i, item in enumerate(track):
        r = item.range_in_parent()
        out[item.name or f"gap_{i}"] = (round(r.start_time.value), round(r.duration.value))
    return out


def truth_of(timeline: otio.schema.Timeline, frames_of: dict[str, Frames]) -> dict:
    """The defects put into the short (and those the generators made), in the bench's format."""
    rec = record_of(timeline)
    shots = {s.name: s for s in SHOTS if isinstance(s, Shot)}

    def first_frame(name: str) -> np.ndarray:
        return frames_of[name][shots[name].source_start]

    def last_frame(name: str) -> np.ndarray:
        s = shots[name]
        return frames_of[name][s.source_start + s.duration - 1]

    def start(name: str) -> int:
        return rec[name][0]

    def in_shot(name: str, media_frame: int) -> int:
        return start(name) + media_frame - shots[name].source_start

    clips = []
    for item in timeline.video_tracks()[0]:
        if not isinstance(item, otio.schema.Clip):
            continue
        s = shots[item.name]
        entry = {"name": item.name, "media": f"media/{item.name}.mp4", "record_start": start(item.name),
                 "duration": s.duration, "source_start": s.source_start,
                 "media_frames": len(frames_of[item.name])}
        if s.size != SIZE:
            entry["media_size"] = list(s.size)
        clips.append(entry)

    gap_start = next(v[0] for k, v in rec.items() if k.startswith("gap_"))
    gap_len = next(v[1] for k, v in rec.items() if k.startswith("gap_"))
    grade_de = mean_colour_delta(last_frame("shot_050"), first_frame("shot_060"))
    expect = [
        {"kind": "jump_cut", "level": "cut", "start": start("shot_020"), "duration": rec["shot_020"][1],
         "accept": ["jump_cut"], "clip": "shot_020",
         "note": "the same wide take with six frames (30-35) cut out; the framing does not change"},
        {"kind": "frozen_frames", "level": "shot", "start": in_shot("shot_030", 66), "duration": 8,
         "accept": ["frozen_frames"], "clip": "shot_030",
         "note": "the picture stalls: media frame 65 held over frames 66-73 while she talks"},
        {"kind": "flicker", "level": "shot", "start": in_shot("shot_040", 92), "duration": 24,
         "accept": ["flicker"], "clip": "shot_040",
         "note": "the luminance oscillates (gain 1 +- 0.14, 6-frame period) for one second"},
        {"kind": "black_frames", "level": "cut", "start": gap_start, "duration": gap_len,
         "accept": ["black_frames"], "clip": None, "note": f"{gap_len} black frames as a gap in the track"},
        {"kind": "colour_mismatch", "level": "cut", "start": start("shot_060"), "duration": rec["shot_060"][1],
         "accept": ["colour_mismatch"], "clip": "shot_060",
         "note": ("same take, closer, but the incoming shot carries a warm grade; mean-colour CIEDE2000 "
                  f"across the cut {grade_de:.1f}")},
        {"kind": "flash_frame", "level": "cut", "start": start("shot_070"), "duration": 2,
         "accept": ["flash_frame"], "clip": "shot_070", "note": "2-frame clip of an unrelated landscape"},
        {"kind": "morph", "level": "shot", "start": in_shot("shot_080", 13), "duration": 13,
         "accept": ["morph"], "clip": "shot_080",
         "note": ("generated, not injected: the suit turns red, glows yellow, then blows out white "
                  "(Wan2.1 I2V, source frames 13-25)")},
        {"kind": "format_mismatch", "level": "cut", "start": start("shot_090"), "duration": rec["shot_090"][1],
         "accept": ["format_mismatch"], "clip": "shot_090",
         "note": "640x360 media in a 480x270 timeline (an unconformed render)"},
    ]
    controls = [
        {"kind": "continuity_cut", "start": start("shot_030"), "clip": "shot_030",
         "note": "same take, the next frame, framing wider -> closer on the woman"},
        {"kind": "continuity_cut", "start": start("shot_040"), "clip": "shot_040",
         "note": "same take, the next frame, framing closer -> wider"},
        {"kind": "scene_change", "start": start("shot_050"), "clip": "shot_050",
         "note": "after the black frames: backyard -> moon"},
    ]
    return {"case": "ai_short", "rate": float(RATE), "size": list(SIZE), "clips": clips,
            "expect": expect, "controls": controls}


def changes_of(shot: Shot) -> str:
    """What was done to a source to make the shot's media (Apache-2.0 asks for it to be stated)."""
    parts = []
    if shot.media_count is not None:
        parts.append(f"frames {shot.media_first}-{shot.media_first + shot.media_count - 1} only")
    if shot.crop:
        x0, y0, x1, y1 = shot.crop
        parts.append(f"cropped to x {x0}-{x1}, y {y0}-{y1}")
    else:
        parts.append("centre-cropped to 16:9")
    parts.append(f"scaled to {shot.size[0]}x{shot.size[1]}")
    if shot.change:
        parts.append(shot.change)
    parts.append(f"re-encoded as H.264 (CRF {CRF}), no audio")
    return ", ".join(parts) + "."


def credits_of(corpus: Path) -> str:
    entries = manifest_entries(corpus)
    used: dict[str, list[str]] = {}
    shots = {s.name: s for s in [*SHOTS, *TAKES] if isinstance(s, Shot)}
    for s in [*SHOTS, *TAKES]:
        if isinstance(s, Shot):
            used.setdefault(s.source, []).append(s.name)
    lines = [
        "# Credits",
        "",
        "The media in `media/` are modified copies of outputs of video-generation models published",
        "in public repositories: cropped, scaled and re-encoded, some with a grade, a held frame or a",
        "flicker added (listed per file below). Each source is given as the corpus manifest records it.",
        "`shot_040_v002.mp4` and `shot_060_take2.mp4` are the alternate takes a review finds beside the",
        "media: the same source frames as their shots without the defect added to them.",
        "",
    ]
    for source, names in used.items():
        e = entries[source]
        lines += [
            f"## {', '.join(names)}",
            "",
            f"- Repository: `{e['repo']}` at commit `{e['commit']}`",
            f"- Path: `{e['path']}` (blob `{e['blob']}`)",
            f"- Model: {e['model']}",
            f"- Licence: {e['licence']}",
            f"- Source probe: {e['width']}x{e['height']}, {e['fps']:g} fps, {e['frames']} frames"
            + (f", {e['audio']} audio" if e.get("audio") else ""),
            "- Changes made here:",
            *[f"  - `media/{name}.mp4`: {changes_of(shots[name])}" for name in names],
            "",
        ]
    licences = sorted({entries[s]["licence"] for s in used})
    lines += [
        "## Licence texts",
        "",
        *[f"- {lic}: see `LICENSE-Apache-2.0.txt` beside this file "
          "(also at https://www.apache.org/licenses/LICENSE-2.0)." if lic == "Apache-2.0"
          else f"- {lic}: see the source repository." for lic in licences],
        "",
        "The changes made to each excerpt are listed in `truth.json` (`expect`) and in",
        "`../README.md`; the timelines and `truth.json` are part of this project.",
        "",
    ]
    return "\n".join(lines)


def write_timeline_formats(timeline: otio.schema.Timeline, folder: Path, stem: str) -> None:
    otio.adapters.write_to_file(timeline, str(folder / f"{stem}.otio"))
    otio.adapters.write_to_file(timeline, str(folder / f"{stem}.xml"), adapter_name="fcp_xml")
    otio.adapters.write_to_file(timeline, str(folder / f"{stem}.edl"), adapter_name="cmx_3600")


def make_short(corpus: Path, out: Path) -> otio.schema.Timeline:
    folder = out / "ai_short"
    timeline, frames_of = build_short(corpus, folder)
    write_timeline_formats(timeline, folder, "ai_short")
    truth = truth_of(timeline, frames_of)
    (folder / "truth.json").write_text(json.dumps(truth, indent=1) + "\n")
    (folder / "CREDITS.md").write_text(credits_of(corpus))
    return timeline


# --- scenarios --------------------------------------------------------------------------------

DEMO = "../ai_short/media/"
DEMO_LENGTH = {"shot_010": 120, "shot_030": 120, "shot_040": 120, "shot_050": 45, "shot_080": 45}


def demo_clip(name: str, source_start: int, duration: int, rate: float = RATE) -> otio.schema.Clip:
    return media_clip(name, f"{DEMO}{name}.mp4", source_start, duration, DEMO_LENGTH[name], rate)


def one_track(name: str, items: list, rate: float = RATE, start_tc: str = START_TC) -> otio.schema.Timeline:
    timeline = new_timeline(name, rate, start_tc)
    track = otio.schema.Track(name="V1")
    for item in items:
        track.append(item)
    timeline.tracks.append(track)
    return timeline


def scenario_two_clips_cut() -> otio.schema.Timeline:
    return one_track("two_clips_cut", [demo_clip("shot_010", 4, 26), demo_clip("shot_030", 58, 28)])


def scenario_dissolve_between_shots() -> otio.schema.Timeline:
    dissolve = otio.schema.Transition(name="dissolve", transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                                      in_offset=rt(6), out_offset=rt(6))
    return one_track("dissolve_between_shots",
                     [demo_clip("shot_040", 80, 30), dissolve, demo_clip("shot_050", 10, 24)])


def scenario_gap_black_frames() -> otio.schema.Timeline:
    return one_track("gap_black_frames", [demo_clip("shot_040", 86, 30),
                                          otio.schema.Gap(source_range=tr(0, 5)),
                                          demo_clip("shot_050", 4, 21)])


def scenario_speed_effect_linear_timewarp() -> otio.schema.Timeline:
    fast = demo_clip("shot_080", 4, 16)
    fast.effects.append(otio.schema.LinearTimeWarp(name="speed 200%", time_scalar=2.0))
    slow = demo_clip("shot_010", 40, 24)
    slow.effects.append(otio.schema.LinearTimeWarp(name="speed 50%", time_scalar=0.5))
    return one_track("speed_effect_linear_timewarp", [demo_clip("shot_050", 4, 12), fast, slow])


def scenario_freeze_frame() -> otio.schema.Timeline:
    held = demo_clip("shot_030", 70, 12)
    held.effects.append(otio.schema.FreezeFrame(name="freeze"))
    return one_track("freeze_frame", [demo_clip("shot_030", 58, 12), held, demo_clip("shot_040", 86, 20)])


def scenario_multitrack_overlay() -> otio.schema.Timeline:
    timeline = one_track("multitrack_overlay", [demo_clip("shot_010", 4, 26), demo_clip("shot_040", 86, 30)])
    v2 = otio.schema.Track(name="V2")
    v2.append(otio.schema.Gap(source_range=tr(0, 20)))
    v2.append(demo_clip("shot_030", 58, 16))
    timeline.tracks.append(v2)
    return timeline


def scenario_nested_stack() -> otio.schema.Timeline:
    inner = otio.schema.Stack(name="nested sequence")
    inner_v1 = otio.schema.Track(name="nested V1")
    inner_v1.extend([demo_clip("shot_050", 4, 12), demo_clip("shot_080", 6, 12)])
    inner.append(inner_v1)
    return one_track("nested_stack", [demo_clip("shot_010", 4, 20), inner, demo_clip("shot_040", 86, 20)])


def scenario_drop_frame_2997() -> otio.schema.Timeline:
    rate = 30000 / 1001
    return one_track("drop_frame_2997", [demo_clip("shot_010", 4, 30, rate), demo_clip("shot_030", 58, 30, rate)],
                     rate=rate, start_tc="01:00:00;00")


def scenario_rate_23976() -> otio.schema.Timeline:
    rate = 24000 / 1001
    return one_track("rate_23976", [demo_clip("shot_010", 4, 26, rate), demo_clip("shot_030", 58, 28, rate)],
                     rate=rate)


def scenario_ai_16fps() -> otio.schema.Timeline:
    clips = [media_clip("gen16_a", "media/gen16_a.mp4", 2, 14, 24, 16),
             media_clip("gen16_b", "media/gen16_b.mp4", 3, 16, 24, 16)]
    return one_track("ai_16fps", clips, rate=16)


def scenario_markers_with_colours() -> otio.schema.Timeline:
    a, b = demo_clip("shot_010", 4, 26), demo_clip("shot_030", 58, 28)
    timeline = one_track("markers_with_colours", [a, b])
    colours = [c for c in vars(otio.schema.MarkerColor) if c.isupper()]
    for i, colour in enumerate(sorted(colours)):
        clip = a if i % 2 == 0 else b
        marker = otio.schema.Marker(name=f"{colour.lower()} note",
                                    marked_range=tr(clip.source_range.start_time.value + i, 1),
                                    color=getattr(otio.schema.MarkerColor, colour),
                                    metadata={"comment": f"a {colour.lower()} marker"})
        clip.markers.append(marker)
    timeline.tracks[0].markers.append(otio.schema.Marker(name="track marker", marked_range=tr(20, 12),
                                                         color=otio.schema.MarkerColor.PURPLE))
    return timeline


def scenario_missing_media() -> otio.schema.Timeline:
    gone = media_clip("shot_999", f"{DEMO}shot_999.mp4", 4, 20, 48)
    offline = otio.schema.Clip(name="offline_render", media_reference=otio.schema.MissingReference(),
                               source_range=tr(0, 12))
    return one_track("missing_media", [demo_clip("shot_010", 4, 20), gone, offline])


SCENARIOS = {name[len("scenario_"):]: fn for name, fn in sorted(globals().items())
             if name.startswith("scenario_")}


def make_scenarios(corpus: Path, out: Path) -> None:
    folder = out / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    # Two tiny 16 fps generations for ai_16fps: 24 frames each, 160x90.
    src = decoded(corpus / ASTRO_TURBO)
    for name, first in (("gen16_a", 0), ("gen16_b", 20)):
        frames = cropped_resized(src[first:first + 24], centre_crop_16x9(src.shape[2], src.shape[1]), (160, 90))
        encode(frames, folder / "media" / f"{name}.mp4", rate=16, crf=32)
    for name, fn in SCENARIOS.items():
        otio.adapters.write_to_file(fn(), str(folder / f"{name}.otio"))
    e = manifest_entries(corpus)[ASTRO_TURBO]
    (folder / "media" / "CREDITS.md").write_text("\n".join([
        "# Credits",
        "",
        "`gen16_a.mp4` and `gen16_b.mp4` are frames 0-23 and 20-43 of one output of a video-generation",
        "model, centre-cropped to 16:9, scaled to 160x90 and re-encoded as H.264 at 16 fps (the",
        "source is 24 fps, so they play slower), for the 16 fps scenario.",
        "",
        f"- Repository: `{e['repo']}` at commit `{e['commit']}`",
        f"- Path: `{e['path']}` (blob `{e['blob']}`)",
        f"- Model: {e['model']}",
        f"- Licence: {e['licence']} (text in `../../ai_short/LICENSE-Apache-2.0.txt`)",
        "",
    ]))


# --- bad inputs -------------------------------------------------------------------------------

def make_bad(out: Path) -> None:
    folder = out / "bad"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.otio").write_bytes(b"")
    whole = otio.adapters.write_to_string(scenario_two_clips_cut())
    (folder / "truncated.otio").write_text(whole[: len(whole) // 2])
    garbage = b"".join(hashlib.sha256(b"garbage %d" % i).digest() for i in range(32))
    (folder / "garbage.xml").write_bytes(garbage)
    # Clip names only, no source file paths and no media: nothing in or beside the file says
    # the rate, so a reader has to be told it (25 fps here; read at 24 the timecodes shift).
    rate = 25
    clips = [otio.schema.Clip(name=f"gen_{i:04d}", source_range=tr(5 + i, 30 + 2 * i, rate))
             for i in range(1, 4)]
    timeline = one_track("no_rate_hint", clips, rate=rate)
    (folder / "no_rate_hint.edl").write_text(
        otio.adapters.write_to_string(timeline, adapter_name="cmx_3600", style="avid"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared",
                        help="the shared corpus folder (default: ../shared beside the repository)")
    parser.add_argument("--out", type=Path, default=REPO / "sample_timelines")
    args = parser.parse_args(argv)
    corpus = args.shared / "corpus" / "aivideo"
    if not (corpus / "manifest.json").is_file():
        print(f"error: no AI video corpus at {corpus}", file=sys.stderr)
        return 2
    make_short(corpus, args.out)
    make_scenarios(corpus, args.out)
    make_bad(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
