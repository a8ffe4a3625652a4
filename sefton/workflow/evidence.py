"""Checks on uploaded evidence: size, emptiness, name, and type judged by content, not by name.

The bytes are stored in the database row (EvidenceFile.data), so a file and its row are written in
one transaction and every app instance sharing the database sees the same files. The original name
is kept for display and for the download's Content-Disposition only; it is never used as a path.
"""
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# extension -> (kind detected from the content, MIME type served on download)
EXTENSIONS = {
    "pdf": ("pdf", "application/pdf"),
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "txt": ("text", "text/plain"),
    "csv": ("text", "text/csv"),
    "eml": ("email", "message/rfc822"),
    "msg": ("ole", "application/vnd.ms-outlook"),
    "doc": ("ole", "application/msword"),
    "xls": ("ole", "application/vnd.ms-excel"),
    "ppt": ("ole", "application/vnd.ms-powerpoint"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
ACCEPTED_TYPES = "PDF, Word, Excel, PowerPoint, PNG, JPEG, plain text or e-mail (.eml, .msg)"
KIND_NAMES = {"pdf": "a PDF", "png": "a PNG image", "jpeg": "a JPEG image", "text": "a plain text file",
              "email": "an e-mail (.eml)", "ole": "an Office or Outlook file", "docx": "a Word document",
              "xlsx": "an Excel workbook", "pptx": "a PowerPoint presentation"}


class UploadError(ValueError):
    """A refused upload; the message is fit to show the user (it names the file, nothing else)."""


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes are, or None for anything we do not accept (executables too)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(OLE2):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    if _is_text(data):
        return "email" if _looks_like_email(data) else "text"
    return None


def _ooxml(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
        if any(n.startswith(prefix) for n in names):
            return kind
    return None


def _is_text(data):
    if b"\x00" in data:
        return False
    if data.startswith((b"MZ", b"\x7fELF", b"#!")):
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f")
    return controls == 0


def _looks_like_email(data):
    head = data[:4096].decode("utf-8", "replace")
    headers = re.findall(r"^(From|To|Subject|Date|Message-ID|MIME-Version|Received):", head, re.M | re.I)
    return len({h.lower() for h in headers}) >= 2


HIDDEN_CHARACTERS = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, format (bidi overrides), surrogates, line breaks


def clean_name(raw: str) -> str:
    """The name to display, or UploadError for a name that is a path or has no accepted extension."""
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if not name:
        raise UploadError("The file has no name")
    if "/" in name or "\\" in name or name.startswith("."):
        raise UploadError("File names cannot contain folders or start with '.'; rename the file and try again")
    if len(name) > 200:
        raise UploadError("The file name is too long: rename the file to 200 characters or fewer and try again")
    if any(unicodedata.category(ch) in HIDDEN_CHARACTERS for ch in name):
        # Control and format characters (a right-to-left override makes "report_fdp.exe" look like
        # "report_exe.pdf") change how the name reads: never shown to others.
        raise UploadError("The file name has hidden control or formatting characters (such as a right-to-left "
                          "override); rename the file and try again")
    return name


def check(raw_name: str, data: bytes, max_bytes: int) -> Checked:
    name = clean_name(raw_name)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EXTENSIONS:
        raise UploadError(f"{name}: the file must be {ACCEPTED_TYPES}")
    if not data:
        raise UploadError(f"{name} is empty")
    if len(data) > max_bytes:
        raise UploadError(f"{name} is larger than {max_bytes // (1024 * 1024)} MB")
    expected, content_type = EXTENSIONS[ext]
    kind = sniff(data)
    if kind == "email" and expected == "text":
        kind = "text"  # an e-mail saved as .txt is still plain text
    if kind != expected:
        raise UploadError(f"{name} is not {KIND_NAMES[expected]}: its content does not match its name. "
                          f"The file must be {ACCEPTED_TYPES}")
    return Checked(name=name, content_type=content_type, data=data)


def check_uploads(storages, max_bytes: int, max_files: int = 20) -> list[Checked]:
    """Check every uploaded file (werkzeug FileStorage); all of them or none."""
    storages = [storage for storage in storages if storage is not None and storage.filename]
    if len(storages) > max_files:
        raise UploadError(f"Choose at most {max_files} files for one submission (you chose {len(storages)})")
    checked = []
    for storage in storages:
        data = storage.stream.read(max_bytes + 1)
        checked.append(check(storage.filename, data, max_bytes))
    return checked
