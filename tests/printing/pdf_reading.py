"""Reads printed PDFs back the way a person and a scanner would: rendered pages, decoded
Code128 barcodes, extracted text lines."""

from __future__ import annotations

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image


def page_count(pdf: bytes) -> int:
    return len(pdfium.PdfDocument(pdf))


def page_image(pdf: bytes, page: int | None = None, dpi: int = 300) -> Image.Image:
    """Page `page` rendered at `dpi`; without `page`, the PDF must have exactly one page."""
    document = pdfium.PdfDocument(pdf)
    if page is None:
        assert len(document) == 1
        page = 0
    image: Image.Image = document[page].render(scale=dpi / 72).to_pil()
    return image


def decoded(pdf: bytes, page: int | None = None) -> list[str]:
    """Every Code128 the decoder finds on the rendered page."""
    results = zxingcpp.read_barcodes(page_image(pdf, page))
    return [result.text for result in results if result.format == zxingcpp.BarcodeFormat.Code128]


def page_text(pdf: bytes, page: int = 0) -> list[str]:
    textpage = pdfium.PdfDocument(pdf)[page].get_textpage()
    return [line.strip() for line in textpage.get_text_range().splitlines()]
