"""Phone-sized copies of course pictures: WebP at 360 and 720 pixels wide, made once at import.

Learners pay for every byte on prepaid data, so a page never sends a photo larger than
a phone shows. PNG, JPEG and WebP pictures get WebP copies (kept in the database, as app
servers keep nothing on disk); SVG drawings are already small and stay as they are.
Lessons and quiz questions show a picture the same way (`picture_attributes`): the
copies in `srcset`, lazy loading, and URLs carrying a content hash, cached for a year.
"""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from flask import url_for
from PIL import Image, ImageOps

from ..extensions import db
from .models import CourseAsset, CourseAssetVariant
from .queries import Picture, course_pictures

#: the widths lessons offer in `srcset`: a phone at 1x, and at 2x (or a small tablet)
VARIANT_WIDTHS = (360, 720)
RESIZABLE_TYPES = {"image/png", "image/jpeg", "image/webp"}
WEBP_QUALITY = 72
#: refuse to decode anything larger (a "decompression bomb" hidden in a small file)
MAX_PIXELS = 40_000_000


@dataclass
class Resized:
    width: int
    height: int
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _open(data: bytes) -> Image.Image | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                return None
            image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    return image.convert("RGBA" if has_alpha else "RGB")


def resize_for_phones(data: bytes) -> list[Resized]:
    """WebP copies at each of VARIANT_WIDTHS (never wider than the original); [] if unreadable."""
    image = _open(data)
    if image is None:
        return []
    widths = sorted({min(width, image.width) for width in VARIANT_WIDTHS})
    copies = []
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        copy = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        copy.save(buffer, "WEBP", quality=WEBP_QUALITY, method=6)
        copies.append(Resized(width, height, buffer.getvalue()))
    return copies


def refresh_variants(asset: CourseAsset, *, changed: bool) -> int:
    """Make the asset's phone copies match its bytes; returns the number of copies written.

    The importer calls it for every picture: `changed` when its bytes are new or
    different, otherwise copies are only made when missing (pictures imported before
    copies existed). A picture Pillow cannot read keeps no copies and is served as is.
    """
    if asset.content_type not in RESIZABLE_TYPES:
        return 0
    if asset.variants and not changed:
        return 0
    asset.variants.clear()
    # The old copies must be gone before the new ones go in: one copy per width (unique), and the
    # unit of work would otherwise insert before it deletes.
    db.session.flush()
    copies = resize_for_phones(asset.data)
    for copy in copies:
        asset.variants.append(CourseAssetVariant(width=copy.width, height=copy.height, content_type="image/webp",
                                                 sha256=copy.sha256, data=copy.data))
    return len(copies)


# --- in pages -----------------------------------------------------------------------------

#: the width a picture takes: the text column on wide screens, the screen less its margins on phones
IMAGE_SIZES = "(min-width: 45rem) 42rem, calc(100vw - 4.5rem)"


def picture_url(course, picture: Picture, variant=None) -> str:
    """The long-cacheable URL of a course picture, or of one of its phone copies."""
    if variant is None:
        return url_for("courses.asset", course_slug=course.slug, path=picture.path, v=picture.sha256[:12])
    width, _height, sha, _size = variant
    return url_for("courses.asset", course_slug=course.slug, path=picture.path, v=sha[:12], w=width)


def picture_attributes(course, picture: Picture) -> dict[str, str | int]:
    """The <img> attributes that show a picture: its copies in srcset (photos), or its own URL (SVG)."""
    if not picture.variants:
        return {"src": picture_url(course, picture)}
    smallest, largest = picture.variants[0], picture.variants[-1]
    return {
        "src": picture_url(course, picture, smallest),
        "srcset": ", ".join(f"{picture_url(course, picture, v)} {v[0]}w" for v in picture.variants),
        "sizes": IMAGE_SIZES,
        "width": largest[0],
        "height": largest[1],
    }


def picture_resolver(course):
    """For render_markdown: a path becomes the <img> attributes of the picture (srcset for photos)."""
    pictures = course_pictures(course)

    def resolve(path: str):
        picture = pictures.get(path)
        if picture is None:
            return None
        if not picture.variants:
            return picture_url(course, picture)
        return picture_attributes(course, picture)

    return resolve
