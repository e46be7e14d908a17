"""User-facing text about the audit chain, shared by the verify page and `terang audit_verify`."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.rules import ChainBreak

# Why the chain breaks at an event, by `ChainBreak.kind`.
BREAK_REASONS: dict[str, Promise] = {
    "gap": _("Ada catatan yang hilang."),
    "hash": _("Isi catatan ini diubah setelah ditulis."),
    "prev_hash": _("Catatan ini tidak tersambung ke catatan sebelumnya."),
}


def chain_intact(checked: int) -> str:
    return ngettext(
        "Rantai utuh: %(n)s catatan diperiksa, tidak ada yang diubah atau hilang.",
        "Rantai utuh: %(n)s catatan diperiksa, tidak ada yang diubah atau hilang.",
        checked,
    ) % {"n": checked}


def chain_broken(checked: int, brk: ChainBreak) -> str:
    """The first break and its reason, in one message."""
    return "{} {}".format(
        ngettext(
            "Rantai putus di catatan #%(seq)s: %(n)s catatan sebelumnya utuh.",
            "Rantai putus di catatan #%(seq)s: %(n)s catatan sebelumnya utuh.",
            checked,
        )
        % {"seq": brk.seq, "n": checked},
        BREAK_REASONS.get(brk.kind, ""),
    ).strip()
