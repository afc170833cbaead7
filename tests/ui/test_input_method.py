"""The bundle asks Qt for ibus on an fcitx desktop, where fcitx5's IBus frontend answers, only
when it has no fcitx plugin of its own; anything else is left as the desktop set it."""

from __future__ import annotations

from pathlib import Path

from deskapp.ui.input_method import prefer_ibus_for_fcitx


def _plugins(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "platforminputcontexts"
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_bytes(b"\x7fELF")
    return folder


WHEEL = ("libcomposeplatforminputcontextplugin.so", "libibusplatforminputcontextplugin.so")


def test_fcitx_desktop_gets_ibus_when_the_bundle_has_no_fcitx_plugin(tmp_path):
    for asked in ("fcitx", "fcitx5", "FCITX "):
        env = {"QT_IM_MODULE": asked}
        assert prefer_ibus_for_fcitx(env, _plugins(tmp_path / asked.strip(), *WHEEL))
        assert env == {"QT_IM_MODULE": "ibus"}


def test_a_bundled_fcitx_plugin_or_another_input_method_is_left_alone(tmp_path):
    with_fcitx = _plugins(tmp_path / "a", *WHEEL, "libfcitx5platforminputcontextplugin.so")
    env = {"QT_IM_MODULE": "fcitx"}
    assert not prefer_ibus_for_fcitx(env, with_fcitx) and env == {"QT_IM_MODULE": "fcitx"}
    plain = _plugins(tmp_path / "b", *WHEEL)
    for env in ({"QT_IM_MODULE": "ibus"}, {"QT_IM_MODULE": "xim"}, {}):
        before = dict(env)
        assert not prefer_ibus_for_fcitx(env, plain) and env == before


def test_no_ibus_plugin_no_change(tmp_path):
    env = {"QT_IM_MODULE": "fcitx"}
    assert not prefer_ibus_for_fcitx(env, _plugins(tmp_path, "libcomposeplatforminputcontextplugin.so"))
    assert env == {"QT_IM_MODULE": "fcitx"}
