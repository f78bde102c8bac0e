"""A button that builds a file on the server when clicked and downloads it once it is ready.

Solara 1.58's FileDownload downloads whatever its bytes become after a click, and on a busy server they
first become "nothing" (the build has only started): from the second click of a page on, "Save game" saved a
file holding the text `null`. This button is the same widget with one rule more in the browser: it
downloads bytes only, never nothing. `build` is read when the click is served, so the file is what the page
shows then.
"""

from __future__ import annotations

from typing import Callable

import ipyvuetify as v
import ipywidgets as widgets
import solara
import traitlets

_TEMPLATE = """
<template>
  <div @click="request_download = true" style="cursor: pointer">
    <jupyter-widget v-for="child in children" :key="child" :widget="child"></jupyter-widget>
  </div>
</template>
<script>
module.exports = {
  watch: {
    bytes(value) {
      if (!this.request_download || value === null || value === undefined) return;
      const link = document.createElement('a');
      link.download = this.filename;
      link.href = window.URL.createObjectURL(new Blob([value], { type: this.mime_type }));
      document.body.appendChild(link);
      link.click();
      document.body.removeChild(link);
      setTimeout(() => window.URL.revokeObjectURL(link.href), 1000);
      this.request_download = false;
    }
  }
}
</script>
"""


class _DownloadWidget(v.VuetifyTemplate):
    template = traitlets.Unicode(_TEMPLATE).tag(sync=True)
    children = traitlets.List().tag(sync=True, **widgets.widget_serialization)
    filename = traitlets.Unicode().tag(sync=True)
    bytes = traitlets.Bytes(None, allow_none=True).tag(sync=True)
    mime_type = traitlets.Unicode("application/octet-stream").tag(sync=True)
    request_download = traitlets.Bool(False).tag(sync=True)


@solara.component
def DownloadButton(build: Callable[[], bytes], filename: str, label: str,
                   mime_type: str = "application/octet-stream"):
    requested, set_requested = solara.use_state(False)
    latest = solara.use_ref(build)
    latest.current = build  # a new callable each render must not restart the build

    def bytes_when_asked() -> bytes | None:
        return latest.current() if requested else None

    made = solara.use_thread(bytes_when_asked, dependencies=[requested])
    ready = made.value if made.state == solara.ResultState.FINISHED else None
    _DownloadWidget.element(filename=filename, bytes=ready, mime_type=mime_type, request_download=requested,
                            on_request_download=set_requested,
                            children=[solara.Button(label, loading=made.state == solara.ResultState.RUNNING)])
    if made.state == solara.ResultState.ERROR and made.error:
        raise made.error
