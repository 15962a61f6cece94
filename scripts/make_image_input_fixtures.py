#!/usr/bin/env python3
"""Writes the photos, WAV clips, reference tensors and two small ONNX models that the image- and audio-input
tests read (src/test/resources/images).

Run with Debian's interpreter (python3-torch, python3-onnx, python3-skimage, python3-pil):
    /usr/bin/python3 scripts/make_image_input_fixtures.py

The photos are small crops of scikit-image's public test images (astronaut, chelsea, camera). The references
are float64 and computed here independently of Jacobi: resizing is PIL's own antialiased resampling on
float ('F' mode) planes, BILINEAR for images and LANCZOS (3-lobe windowed sinc) for audio, the filters that
Jacobi's Resampling implements.
"""
import io
import os
import wave

import numpy as np
import onnx
import torch
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "test", "resources", "images")
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
np.random.seed(0)


def path(name):
    return os.path.join(OUT, name)


# ---------------------------------------------------------------- photos
face = Image.open(os.path.join(SKIMAGE, "astronaut.png")).convert("RGB").crop((150, 40, 270, 160)).resize((96, 96), Image.LANCZOS)
face.save(path("face.png"))
face.save(path("face.bmp"))
face.save(path("face.tif"))
face.save(path("face.jpg"), quality=95)
cat = Image.open(os.path.join(SKIMAGE, "chelsea.png")).convert("RGB").crop((140, 60, 300, 180)).resize((80, 60), Image.LANCZOS)
cat.save(path("cat.png"))
camera = Image.open(os.path.join(SKIMAGE, "camera.png")).convert("L").crop((200, 60, 264, 124))
camera.save(path("camera_grey.png"))
alpha = Image.fromarray(np.tile(np.linspace(0, 255, 96).astype(np.uint8), (96, 1)), "L")
face_rgba = face.copy()
face_rgba.putalpha(alpha)
face_rgba.save(path("face_rgba.png"))
Image.new("RGB", (4, 4), (200, 30, 30)).save(path("tiny.png"))
png = io.BytesIO()
face.save(png, format="PNG")
with open(path("corrupt.png"), "wb") as f:
    f.write(png.getvalue()[:400])  # the header and the start of the data: a truncated file
with open(path("notes.webp"), "wb") as f:
    f.write(b"RIFF\x00\x00\x00\x00WEBPVP8 not really an image")


def planes(img):
    """float64 planes [C, H, W] with values 0..255."""
    a = np.asarray(img, dtype=np.float64)
    return a[None] if a.ndim == 2 else a.transpose(2, 0, 1)


def resize(p, h, w, kernel=Image.BILINEAR):
    """PIL's antialiased resize of each float plane (horizontal pass, then vertical)."""
    if p.shape[1:] == (h, w):
        return p.copy()
    return np.stack([np.asarray(Image.fromarray(c.astype(np.float32), "F").resize((w, h), kernel), dtype=np.float64)
                     for c in p])


def normalise(p, scale, mean, std):
    mean = np.asarray(mean, dtype=np.float64).reshape(-1, 1, 1)
    std = np.asarray(std, dtype=np.float64).reshape(-1, 1, 1)
    return (p * scale - mean) / std


IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])


def save(name, a):
    np.save(path(name), np.ascontiguousarray(a, dtype=np.float64))


# Face detector input: 96x96 upscaled to 128x128, -1..1, NHWC, batch of one.
p = normalise(resize(planes(face), 128, 128), 1 / 255, [0.5], [0.5])
save("ref_face_nhwc_symmetric.npy", p.transpose(1, 2, 0)[None])
# Downscaled to 40x56 (H x W), BGR order, ImageNet mean/std, NCHW.
p = resize(planes(face), 40, 56)[::-1]
save("ref_face_nchw_bgr_imagenet_40x56.npy", normalise(p, 1 / 255, IMAGENET[0][::-1], IMAGENET[1][::-1])[None])
# The cat kept at its size (80 wide, 60 high), 0..1, NCHW; and rounded to multiples of 16 (80 x 64).
save("ref_cat_keep_unit.npy", normalise(planes(cat), 1 / 255, [0], [1])[None])
save("ref_cat_multiple16_unit.npy", normalise(resize(planes(cat), 64, 80), 1 / 255, [0], [1])[None])
# Grey photo into a 3-channel input: replicated, raw 0..255, downscaled to 32x32.
save("ref_camera_grey_rgb_raw_32.npy", np.repeat(resize(planes(camera), 32, 32), 3, axis=0)[None])
# Colour photo into a 1-channel input: ITU-R 601 luma in float, then resized to 48x48, 0..1.
rgb = planes(face)
luma = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])[None]
save("ref_face_luma_48.npy", normalise(resize(luma, 48, 48), 1 / 255, [0], [1])[None])
# RGBA kept as four channels, NHWC, raw.
save("ref_face_rgba_nhwc_raw.npy", planes(face_rgba).transpose(1, 2, 0)[None])
# Two photos as a batch of two: face and cat, both to 32x32, custom mean/std, NCHW.
batch = [normalise(resize(planes(img), 32, 32), 1 / 255, [0.1, 0.2, 0.3], [0.5, 0.6, 0.7]) for img in (face, cat)]
save("ref_face_cat_batch_custom_32.npy", np.stack(batch))

# ---------------------------------------------------------------- audio
rate = 22050
t = np.arange(int(0.2 * rate)) / rate
left = 0.5 * np.sin(2 * np.pi * (220 + 1500 * t) * t) + 0.2 * np.sin(2 * np.pi * 3100 * t)
right = 0.4 * np.sin(2 * np.pi * 330 * t)
stereo16 = np.round(np.stack([left, right], axis=1) * 32767).astype(np.int16)
with wave.open(path("chirp_stereo16_22050.wav"), "wb") as w:
    w.setnchannels(2)
    w.setsampwidth(2)
    w.setframerate(rate)
    w.writeframes(stereo16.tobytes())
mono = stereo16.astype(np.float64).mean(axis=1) / 32768
n_out = int(round(len(mono) * 16000 / rate))
resampled = np.asarray(Image.fromarray(mono.astype(np.float32)[None, :], "F").resize((n_out, 1), Image.LANCZOS),
                       dtype=np.float64)[0]
save("ref_chirp_mono_16000.npy", resampled[None])

short = np.sin(2 * np.pi * 440 * np.arange(400) / 8000)
u8 = np.round(short * 100 + 128).astype(np.uint8)
with wave.open(path("tone_u8_8000.wav"), "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(1)
    w.setframerate(8000)
    w.writeframes(u8.tobytes())
save("ref_tone_u8.npy", ((u8.astype(np.float64) - 128) / 128)[None])
i24 = np.round(short * 0.7 * (2 ** 23 - 1)).astype(np.int32)
with wave.open(path("tone_s24_8000.wav"), "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(3)
    w.setframerate(8000)
    w.writeframes(b"".join(int(v).to_bytes(3, "little", signed=True) for v in i24))
save("ref_tone_s24.npy", (i24.astype(np.float64) / 2 ** 23)[None])
f32 = (short * 0.25).astype("<f4")
import scipy.io.wavfile  # noqa: E402  (only for the IEEE-float WAV, which the wave module cannot write)
scipy.io.wavfile.write(path("tone_f32_8000.wav"), 8000, f32)
save("ref_tone_f32.npy", f32.astype(np.float64)[None])


# ---------------------------------------------------------------- models
class FaceDetector(torch.nn.Module):
    """A face-style detector as TensorFlow converters write them: NHWC 128x128x3 in [-1, 1], 16 anchor scores."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(3, 4, 4, stride=4)
        self.c2 = torch.nn.Conv2d(4, 8, 4, stride=4)
        self.c3 = torch.nn.Conv2d(8, 1, 2, stride=2)

    def forward(self, x):
        h = x.permute(0, 3, 1, 2)
        h = torch.relu(self.c1(h))
        h = torch.relu(self.c2(h))
        return self.c3(h).reshape(x.shape[0], 16)


class Segmenter(torch.nn.Module):
    """A segmentation net with dynamic height and width ending in Sigmoid: a mask the size of the image."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.c2 = torch.nn.Conv2d(4, 1, 3, padding=1)

    def forward(self, x):
        return torch.sigmoid(self.c2(torch.tanh(self.c1(x))))


def export(model, example, name, input_name, output_name, axes, metadata):
    model.eval()
    file = path(name)
    torch.onnx.export(model, example, file, input_names=[input_name], output_names=[output_name],
                      dynamic_axes=axes, opset_version=13)
    m = onnx.load(file)
    for k, v in metadata.items():
        m.metadata_props.add(key=k, value=v)
    onnx.checker.check_model(m)
    onnx.save(m, file)


export(FaceDetector(), torch.zeros(1, 128, 128, 3), "face_detector_nhwc.onnx", "image", "scores",
       {"image": {0: "batch"}, "scores": {0: "batch"}}, {"normalize": "-1..1"})
export(Segmenter(), torch.zeros(1, 3, 32, 32), "segmenter_dynamic.onnx", "image", "mask",
       {"image": {0: "batch", 2: "height", 3: "width"}, "mask": {0: "batch", 2: "height", 3: "width"}}, {})
print("wrote", sorted(os.listdir(OUT)))
