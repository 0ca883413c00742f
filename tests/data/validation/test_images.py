"""An engraving image's bytes: PNG or JPEG, at most 5 MB."""

from data.validation import check_image_bytes


def test_image_signature_and_size():
    assert check_image_bytes(b"\x89PNG\r\n\x1a\n....")[0] == "image/png"
    assert check_image_bytes(b"\xff\xd8\xff\xe0....")[0] == "image/jpeg"
    assert check_image_bytes(b"GIF89a")[1] == "Seules les images PNG ou JPEG sont acceptées."
    big = b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024)
    assert "5 Mo" in check_image_bytes(big)[1]
