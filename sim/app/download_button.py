"""A button that builds a file on the server when clicked and downloads it once it is ready.

Solara 1.58's FileDownload downloads whatever its bytes become after a click, and on a busy server they first
become "nothing" (the build has only started): from the second click of a page on, "Save game" saved a file
holding the text `null`. This button is the same widget with two rules more in the browser: it downloads bytes
only, never nothing; and each click counts up (`clicks`) instead of setting a flag that the download resets.
The browser sends a widget's state changes one at a time and keeps only the newest of those waiting, so a flag
set back to false after a download and to true by the next click could reach the server as true twice: no
change, no build, no download (a test saving twice in a row waited a minute for nothing, under load). A count
always changes; and the browser downloads when the bytes answering its own click arrive (`served`), so a
second save of an unchanged game, whose bytes are the same, still downloads. `build` is read when the click is
served, so the file is what the page shows then.
"""

from __future__ import annotations

from typing import Callable

import ipyvuetify as v
import ipywidgets as widgets
import solara
import traitlets

_TEMPLATE = """
<template>
  <div @click="ask" style="cursor: pointer">
    <jupyter-widget v-for="child in children" :key="child" :widget="child"></jupyter-widget>
  </div>
</template>
<script>
module.exports = {
  data() {
    return { pending: false, asked: 0 };
  },
  methods: {
    ask() {
      this.clicks = (this.clicks || 0) + 1;
      this.asked = this.clicks;
      this.pending = true;
    },
    deliver() {
      if (!this.pending || this.bytes === null || this.bytes === undefined || (this.served || 0) < this.asked) return;
      const link = document.createElement('a');
      link.download = this.filename;
      link.href = window.URL.createObjectURL(new Blob([this.bytes], { type: this.mime_type }));
      document.body.appendChild(link);
      link.click();
      document.body.removeChild(link);
      setTimeout(() => window.URL.revokeObjectURL(link.href), 1000);
      this.pending = false;
    }
  },
  watch: {
    bytes() {
      this.deliver();
    },
    served() {
      this.deliver();
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
    clicks = traitlets.Int(0).tag(sync=True)
    served = traitlets.Int(0).tag(sync=True)  # the click the bytes answer: the same bytes twice still download


@solara.component
def DownloadButton(build: Callable[[], bytes], filename: str, label: str,
                   mime_type: str = "application/octet-stream"):
    clicks, set_clicks = solara.use_state(0)
    latest = solara.use_ref(build)
    latest.current = build  # a new callable each render must not restart the build

    def bytes_when_asked() -> tuple[int, bytes | None]:
        return clicks, (latest.current() if clicks else None)  # the click these bytes answer, with them

    made = solara.use_thread(bytes_when_asked, dependencies=[clicks])
    served, ready = made.value if made.state == solara.ResultState.FINISHED and made.value else (0, None)
    _DownloadWidget.element(filename=filename, bytes=ready, served=served, mime_type=mime_type,
                            clicks=clicks,
                            on_clicks=lambda count: set_clicks(count if isinstance(count, int) else clicks),
                            children=[solara.Button(label, loading=made.state == solara.ResultState.RUNNING)])
    if made.state == solara.ResultState.ERROR and made.error:
        raise made.error
