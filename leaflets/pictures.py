"""Pictures for the press: converted to the press's CMYK as they are fetched.

A clinic's logo or a block's picture is drawn as given on screen; for the press it is
converted with littleCMS (Pillow's ImageCms) from its own embedded profile, or sRGB,
to the press profile, relative colorimetric with black-point compensation, and served
as a CMYK JPEG. Gray pictures stay gray (they print on the black plate alone);
transparency is flattened onto the white of the paper; the EXIF orientation is applied
first, as the screen edition applies it. Anything that cannot be read as a raster
picture, SVG included (its colours are RGB and nothing here converts them), is refused
with the file's name.
"""

from __future__ import annotations

from contextlib import contextmanager
from io import BytesIO

GRAY_MODES = {"1", "L", "LA", "I;16", "I;16B", "I;16L", "I;16N"}
WIDE_MODES = {"I", "F"}   # 32-bit samples: no agreed range to bring them to 8 bits
ACCEPTED = "a PNG, JPEG, GIF, WebP or TIFF picture"


class PictureError(ValueError):
    """A picture the press cannot take; the message names the file."""


@contextmanager
def _strict_decoding():
    """Truncated files are errors here: WeasyPrint lets Pillow load them, globally."""
    from PIL import ImageFile

    previous, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def press_picture(data: bytes, name: str, profile: bytes) -> tuple[bytes, str]:
    """The picture as the press takes it, with its media type."""
    from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

    try:
        with _strict_decoding():
            image = Image.open(BytesIO(data))
            image.load()
            picture_format = image.format
            image = ImageOps.exif_transpose(image)
    except UnidentifiedImageError:
        raise PictureError(f"{name}: press editions take {ACCEPTED}, converted to "
                           "the CMYK of the press; this file cannot be read as one") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise PictureError(f"{name}: press editions take {ACCEPTED}, converted to "
                           f"the CMYK of the press; this file cannot be read as one ({error})") \
            from None
    if image.mode in WIDE_MODES:
        raise PictureError(f"{name}: a picture with 32-bit samples; save it with 8 bits "
                           "per sample (PNG or JPEG)")
    if image.mode == "CMYK":
        if picture_format == "JPEG" and data.startswith(b"\xff\xd8"):
            return data, "image/jpeg"
        return _jpeg(image), "image/jpeg"
    if image.mode in GRAY_MODES or _gray_palette(image):
        return _png(_on_paper(_eight_bit_gray(image)).convert("L")), "image/png"
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(image.info["icc_profile"])) \
            if image.info.get("icc_profile") else ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(
            _on_paper(image).convert("RGB"), source, ImageCms.ImageCmsProfile(BytesIO(profile)),
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, outputMode="CMYK",
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    except (ImageCms.PyCMSError, OSError, ValueError) as error:
        raise PictureError(f"{name}: its colours cannot be converted to the press profile: "
                           f"its embedded colour profile is not an RGB one littleCMS can use "
                           f"({error}); save it as sRGB") from None
    return _jpeg(converted), "image/jpeg"


def _gray_palette(image) -> bool:
    """Whether a palette picture's colours are all grays."""
    if image.mode != "P":
        return False
    colours = image.convert("RGB").getcolors(maxcolors=256)
    return colours is not None and all(r == g == b for _, (r, g, b) in colours)


def _eight_bit_gray(image):
    """A gray picture in 8-bit samples, 16-bit ones scaled rather than clipped."""
    if image.mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return image


def _on_paper(image):
    """The picture with its transparency flattened onto white paper."""
    from PIL import Image

    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        return image
    rgba = image.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)


def _jpeg(image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=95, subsampling=0)
    return buffer.getvalue()


def _png(image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
