"""tools/translate.py for VIDEO papers (vid2vid): a video's label frames in, one generated frame per
label frame out, as PNGs and an .mp4.

The paper's 'serve' endpoint makes frame t from the label frames t-tG+1..t and the tG-1 frames
before it (tf_i2i/models/vid2vid/endpoints.py); this loops it over the video, feeding each frame
back (at every spatial scale). The input is a folder of label frames (+ their instance maps), a
video file of label pictures (label_nc 0), or with edges "canny" the real frames (a folder or a
video) whose Canny edge maps, made with the run's thresholds, are the input frames.

The first tG-1 frames are the frames generation starts from (options.FIRST_FRAMES):
  real      the real frames: --real_frames (a folder or a video), or the input's own frames in edges
            mode (official --use_real_img); they are the output's first tG-1 frames
  single_g  a single-image model (--single_g_workdir: a pix2pixHD run folder or export) translates
            the first tG-1 label frames (official --use_single_G); its frames open the output
  zeros     zero frames, and frame 0 made from the labels alone (official --no_first_img: the
            hallucinated frame; for runs trained with no_first_img). The official test then makes
            its first frame from label frames 0..tG-1 and writes none before it; here the label
            frames before frame 0 are copies of it, so every label frame gets a generated frame.
Frames are resized like single inputs (the run's preprocessing, rounded to the size multiple); a
video needs one frame size. Bad frames (unreadable, label ids out of range, a missing instance map)
are each reported with their path before any frame is generated, and then the video is refused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import tensorflow as tf
from absl import logging

from tf_i2i.data.decode import match_channels
from tf_i2i.data.video.edges import canny_edges
from tf_i2i.data.video.video_files import is_video, read_video, video_fps, write_video
from tf_i2i.errors import UserError
from tf_i2i.export.images import list_inputs, read_image, resize_uint8, write_png
from tf_i2i.export.options import REAL, SINGLE_G, ZEROS, TranslateOptions
from tf_i2i.export.served import ServedEndpoint, ServedModel, served_from_saved_model, served_from_workdir
from tf_i2i.export.translate import Translator, find_samples, read_maps, resized_maps
from tf_i2i.models.serving import tensors
from tf_i2i.models.serving.errors import ExportInputError
from tf_i2i.models.vid2vid.endpoints import FIRST, PREVIOUS, level_name
from tf_i2i.models.vid2vid.generation import frame_pyramid

DEFAULT_FPS = 24.0  # a folder of frames, or a video whose header gives no frame rate


@dataclasses.dataclass(frozen=True)
class Video:
    """A video to translate: each frame's endpoint inputs at the model's size ([1, H, W, C]: 'label'
    or 'label_image', + 'instance'), where each came from (for messages) and its output stem;
    `real` the input's own real frames (uint8 [H, W, 3], edges mode), `input_size` its (H, W)."""

    name: str
    maps: tuple[dict[str, tf.Tensor], ...]
    where: tuple[str, ...]
    stems: tuple[str, ...]
    real: tuple[np.ndarray, ...] | None
    input_size: tuple[int, int]
    fps: float

    def __len__(self) -> int:
        return len(self.maps)


def read_video_input(translator: Translator, model: ServedModel, inputs: str | Path, instance: str | Path | None,
                     options: TranslateOptions,
                     on_failed: Callable[[Path, str], None] | None = None) -> Video:
    """The frames of --input (and --instance), every one checked before any is translated: each bad
    frame goes to on_failed(path, message naming it) (without on_failed its error is raised), and
    then the video is refused."""
    inputs = Path(inputs)
    if options.edges and translator.first != "label_image":
        raise ExportInputError(f"--edges={options.edges} makes edge maps: this model takes class ids "
                               f"('{translator.first}'), it was not trained on edges")
    if is_video(inputs) and (translator.first == "label" or translator.needs_instance):
        also = " and --instance" if translator.needs_instance else ""
        raise ExportInputError(f"{inputs}: label ids and instance maps cannot come from a (lossy) video; give a "
                               f"folder of PNG label frames{also}")
    canny = _canny_thresholds(model) if options.edges else None
    failed: list[str] = []

    def report(where: str, err: UserError) -> None:
        if on_failed is None:
            raise err
        on_failed(Path(where), str(err) if where in str(err) else f"{where}: {err}")
        failed.append(where)

    def checked(where: str, read: Callable[[], dict[str, tf.Tensor]]) -> dict[str, tf.Tensor] | None:
        try:
            return read()
        except UserError as err:
            report(where, err)
            return None

    def as_maps(picture: tf.Tensor) -> dict[str, tf.Tensor]:
        return _picture_maps(translator, picture, canny)

    real, fps = None, DEFAULT_FPS
    if is_video(inputs):
        pictures = [tf.constant(p) for p in read_video(inputs)]
        where = [f"{inputs} frame {i}" for i in range(len(pictures))]
        stems = [f"{inputs.stem}_{i:05d}" for i in range(len(pictures))]
        maps = [as_maps(p) for p in pictures]
        fps = video_fps(inputs) or DEFAULT_FPS
    elif options.edges:
        files = list_inputs(inputs)
        where, stems = [str(p) for p in files], [p.stem for p in files]
        pictures = [checked(str(p), lambda p=p: read_image(p, 3)) for p in files]
        maps = [None if p is None else as_maps(p) for p in pictures]
    else:
        samples = find_samples(translator, inputs, instance)
        where, stems = [str(s.path) for s in samples], [s.path.stem for s in samples]
        maps = [checked(str(s.path), lambda s=s: read_maps(translator, s)) for s in samples]
    if options.edges:
        real = tuple(None if p is None else p.numpy() for p in pictures)
    sizes = [None if m is None else tuple(int(d) for d in m[translator.first].shape[:2]) for m in maps]
    first = next((i for i, size in enumerate(sizes) if size is not None), 0)
    for i, size in enumerate(sizes):
        if size is not None and size != sizes[first]:
            report(where[i], ExportInputError(f"{where[i]} is {size[0]}x{size[1]} but the first frame {where[first]} "
                                              f"is {sizes[first][0]}x{sizes[first][1]}: a video needs one frame size"))
    if failed:
        raise ExportInputError(f"{len(failed)} of {len(maps)} frames of {inputs} cannot be used (listed above); "
                               "no frame was generated")
    model_size = translator.size(*sizes[first])
    return Video(inputs.stem if is_video(inputs) else inputs.name, tuple(resized_maps(m, model_size) for m in maps),
                 tuple(where), tuple(stems), real, sizes[first], options.fps or fps)


def _canny_thresholds(model: ServedModel) -> tuple[float, float]:
    """The run's Canny thresholds (edge maps as training made them)."""
    canny = None if model.preprocessing is None else model.preprocessing.canny
    if canny is None:
        raise ExportInputError("--edges=canny needs the run's Canny thresholds (data.video.canny_low/high), which "
                               "this export does not record: re-export the run with tools/export.py")
    return canny


def _picture_maps(translator: Translator, picture: tf.Tensor,
                  canny: tuple[float, float] | None) -> dict[str, tf.Tensor]:
    """A label picture (uint8 [H, W, C]) as the endpoint's 'label_image' input, or with `canny`
    thresholds its Canny edge map."""
    if canny is not None:
        picture = tf.constant(canny_edges(picture.numpy()[None], *canny)[0])
    return {"label_image": match_channels(picture, int(translator.endpoint.spec("label_image").shape[-1]))}


def translate_video(translator: Translator, video: Video, options: TranslateOptions, outdir: str | Path,
                    on_done: Callable[[int, Path], None] | None = None) -> list[Path]:
    """Writes outdir/<stem>.png for every frame of `video` and outdir/<name>.mp4 (all frames);
    calls on_done(count, written) after each. Returns the paths written."""
    endpoint, outdir = translator.endpoint, Path(outdir)
    names = endpoint.input_names
    n_previous = int(endpoint.spec(PREVIOUS).shape[1])
    levels = sum(1 for name in names if name == PREVIOUS or name.startswith(f"{PREVIOUS}_"))
    mode = options.first_frame or (ZEROS if FIRST in names else REAL)
    if mode != ZEROS and len(video) <= n_previous:
        raise ExportInputError(f"{video.where[0]}: the video has {len(video)} frames; --first_frame={mode} takes the "
                               f"first {n_previous} as given and generates the rest, so it needs at least "
                               f"{n_previous + 1} (--first_frame=zeros generates every frame)")
    if mode == ZEROS and FIRST not in names:
        logging.warning("--first_frame=zeros is meant for runs trained with no_first_img: this model was not, so "
                        "its first frames warp zero frames")
    first_frames = [] if mode == ZEROS else _first_frames(mode, translator, video, options, n_previous)
    sequence = [video.maps[0]] * n_previous + list(video.maps) if mode == ZEROS else list(video.maps)
    height, width = (int(d) for d in sequence[0][translator.first].shape[1:3])
    channels = int(endpoint.spec(PREVIOUS).shape[-1])
    start = (tf.concat(first_frames, axis=0)[None] if first_frames
             else tf.zeros([1, n_previous, height, width, channels]))
    previous = frame_pyramid(start, levels)
    outdir.mkdir(parents=True, exist_ok=True)
    written, frames = [], []

    def write(index: int, image: tf.Tensor) -> None:
        pixels = tensors.to_uint8(image)[0]
        if translator.output_size == "input" and tuple(pixels.shape[:2]) != video.input_size:
            pixels = resize_uint8(pixels, *video.input_size)
        path = outdir / f"{video.stems[index]}.png"
        write_png(path, pixels)
        frames.append(match_channels(pixels, 3).numpy())
        _done(path)

    def _done(path: Path) -> None:
        written.append(path)
        if on_done is not None:
            on_done(len(written), path)

    for i, frame in enumerate(first_frames):
        write(i, frame)
    for t in range(n_previous, len(sequence)):
        index = t - n_previous if mode == ZEROS else t
        window = sequence[t - n_previous:t + 1]
        inputs = {name: tf.stack([m[name][0] for m in window])[None] for name in window[0]}
        inputs.update({level_name(PREVIOUS, k): p for k, p in enumerate(previous)})
        if FIRST in names:
            inputs[FIRST] = tf.constant([mode == ZEROS and t == n_previous])
        out = endpoint(inputs, video.where[index])
        previous = [tf.concat([p[:, 1:], out[level_name("image", k)][:, None]], axis=1) for k, p in enumerate(previous)]
        write(index, out["image"])
    _done(write_video(outdir / f"{video.name}.mp4", np.stack(frames), video.fps))
    return written


def _first_frames(mode: str, translator: Translator, video: Video, options: TranslateOptions,
                  n_previous: int) -> list[tf.Tensor]:
    """The first n_previous frames [1, H, W, C] in [-1, 1] at the model's size, for `mode` real or single_g."""
    height, width = (int(d) for d in video.maps[0][translator.first].shape[1:3])
    channels = int(translator.endpoint.spec(PREVIOUS).shape[-1])
    if mode == SINGLE_G:
        if options.single_g_workdir is None:
            raise ExportInputError("--first_frame=single_g needs --single_g_workdir: a pix2pixHD run folder or export "
                                   "that translates single label maps of this video")
        single = _single_image_endpoint(options.single_g_workdir)
        frames = [_single_frame(single, options.single_g_workdir, video.maps[i], video.where[i])
                  for i in range(n_previous)]
        if int(frames[0].shape[-1]) != channels:
            raise ExportInputError(f"--single_g_workdir={options.single_g_workdir} makes {frames[0].shape[-1]}-channel "
                                   f"frames; this model makes {channels}-channel ones")
        return frames
    if options.real_frames is not None:
        real = _real_frames(Path(options.real_frames), n_previous)
    elif video.real is not None:
        real = video.real[:n_previous]
    else:
        raise ExportInputError("--first_frame=real needs the real first frames: --real_frames=FOLDER (or a video), "
                               "or with --edges the input's own frames; or choose --first_frame=zeros or single_g")
    return [tensors.to_float(resize_uint8(match_channels(tf.constant(f), channels), height, width))[None]
            for f in real]


def _real_frames(path: Path, count: int) -> list[np.ndarray]:
    """The first `count` real frames (uint8 [H, W, C]) of a video file or a folder of pictures."""
    frames = (list(read_video(path, max_frames=count)) if is_video(path)
              else [read_image(p, 3).numpy() for p in list_inputs(path)[:count]])
    if len(frames) < count:
        raise ExportInputError(f"--real_frames={path} has {len(frames)} frames; the model starts from {count}")
    return frames


def _single_image_endpoint(path: str) -> ServedEndpoint:
    """The 'serve' endpoint of a run folder (it has config.json) or an export."""
    served = served_from_workdir(path) if (Path(path) / "config.json").is_file() else served_from_saved_model(path)
    return served.endpoint("serve")


def _single_frame(endpoint: ServedEndpoint, path: str, maps: dict[str, tf.Tensor], where: str) -> tf.Tensor:
    """The single-image model's frame [1, H, W, C] of one frame's label inputs."""
    missing = [name for name in endpoint.input_names if name not in maps]
    if missing:
        raise ExportInputError(f"--single_g_workdir={path} takes inputs {list(endpoint.input_names)}; this video's "
                               f"frames give {sorted(maps)} (missing {missing})")
    out = endpoint({name: maps[name] for name in endpoint.input_names}, f"{where} (--single_g_workdir={path})")
    return out["image"] if isinstance(out, dict) else out
