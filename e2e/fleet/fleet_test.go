package fleet_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labelbridge/labelbridge/fleet"
	"github.com/labelbridge/labelbridge/internal/mqtttest"
	"github.com/labelbridge/labelbridge/printing"
)

const prefix = "labelbridge"

func topicsOf(station string) fleet.Topics { return fleet.Topics{Prefix: prefix, Station: station} }

// online waits for the station's retained state to say online.
func online(t *testing.T, d *mqttClient, station string) fleet.State {
	t.Helper()
	return next(t, d.msgs, station+" online", func(topic string, st fleet.State) bool {
		return topic == topicsOf(station).State() && st.Online
	})
}

// TestPrintOnceDuplicateAndACL: a job published to the station prints
// once; the same key again prints nothing new; another station can
// neither read nor write this station's topics.
func TestPrintOnceDuplicateAndACL(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	s1, s2 := newStation(t, b, "pack-1"), newStation(t, b, "pack-2")
	s1.start()
	s2.start()
	d := dial(t, b, "dispatcher", "wms", true)
	d.sub(topicsOf("pack-1").State())
	d.sub(topicsOf("pack-2").State())
	online(t, d, "pack-1")
	online(t, d, "pack-2")
	d.sub(topicsOf("pack-1").Jobs())

	d.pub(topicsOf("pack-1").Print(), rawJob("order-1"))
	done := next(t, d.msgs, "order-1 done", func(_ string, j printing.Job) bool {
		return j.IdempotencyKey == "order-1" && j.State == printing.JobDone
	})
	if !strings.HasPrefix(done.Origin, "mqtt://127.0.0.1") {
		t.Fatalf("origin %q, want mqtt://127.0.0.1", done.Origin)
	}
	d.pub(topicsOf("pack-1").Print(), rawJob("order-1"))
	again := next(t, d.msgs, "duplicate's event", func(_ string, j printing.Job) bool { return j.IdempotencyKey == "order-1" })
	if again.ID != done.ID {
		t.Fatalf("the duplicate made job %s, want %s", again.ID, done.ID)
	}
	if p := s1.printed(); len(p) != 1 || p[done.ID] != 1 {
		t.Fatalf("printed %v, want job %s once", p, done.ID)
	}

	// pack-2's identity (its certificate) tries pack-1's topics.
	spy := dial(t, b, "pack-2", "pack-2-spy", true)
	for _, f := range []string{topicsOf("pack-1").Print(), topicsOf("pack-1").State(), prefix + "/stations/+/print"} {
		if code := spy.sub(f); code != 0x80 && code > 2 {
			t.Fatalf("SUBACK %#x for %s", code, f)
		}
	}
	spy.sub(topicsOf("pack-2").Print()) // its own: allowed
	spy.pub(topicsOf("pack-1").Print(), rawJob("from-the-spy"))
	d.pub(topicsOf("pack-1").Print(), rawJob("secret-for-pack-1"))
	d.pub(topicsOf("pack-2").Print(), rawJob("marker-for-pack-2"))
	// The broker keeps one subscriber's messages in order: once pack-2's
	// own marker arrived, anything of pack-1's would have come before it.
	for m := range spy.msgs {
		if m.Topic() != topicsOf("pack-2").Print() {
			t.Fatalf("pack-2 read %s: %s", m.Topic(), m.Payload())
		}
		if strings.Contains(string(m.Payload()), "marker-for-pack-2") {
			break
		}
	}
	secret := next(t, d.msgs, "secret-for-pack-1 done", func(_ string, j printing.Job) bool {
		return j.IdempotencyKey == "secret-for-pack-1" && j.State == printing.JobDone
	})
	if p := s1.printed(); len(p) != 2 || p[secret.ID] != 1 {
		t.Fatalf("pack-1 printed %v: want order-1 and secret-for-pack-1 only (the spy's publish must be refused)", p)
	}
}

// TestKill9BeforeAckAndLastWill: the agent dies (SIGKILL, via the
// test-only hook) after storing a job and before its PUBACK; the last will
// shows it offline; restarted, the broker redelivers the request, which
// is acknowledged as a duplicate: the job prints exactly once.
func TestKill9BeforeAckAndLastWill(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	s := newStation(t, b, "pack-1")
	p := s.start("LABELBRIDGE_TEST_FLEET_CRASH_BEFORE_ACK=1")
	d := dial(t, b, "dispatcher", "wms-kill", false)
	d.sub(topicsOf("pack-1").State())
	online(t, d, "pack-1")
	d.sub(topicsOf("pack-1").Jobs())

	d.pub(topicsOf("pack-1").Print(), rawJob("crash-1"))
	err := <-p.exited
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("agent exit %v, want killed by SIGKILL\n%s", err, p.text())
	}
	if !strings.Contains(p.text(), "before its PUBACK") {
		t.Fatalf("the agent did not stop at the hook:\n%s", p.text())
	}
	will := next(t, d.msgs, "last will", func(topic string, st fleet.State) bool {
		return topic == topicsOf("pack-1").State() && !st.Online
	})
	if will.Reason != "" {
		t.Fatalf("offline with reason %q: want the broker's last will (no reason)", will.Reason)
	}

	p2 := s.start()
	p2.waitLine(t, "already stored (a redelivery or a resend)")
	done := next(t, d.msgs, "crash-1 done", func(_ string, j printing.Job) bool {
		return j.IdempotencyKey == "crash-1" && j.State == printing.JobDone
	})
	if got := s.printed(); len(got) != 1 || got[done.ID] != 1 {
		t.Fatalf("printed %v, want job %s exactly once", got, done.ID)
	}
}

// TestBrokerRestartMidBurst: the broker restarts in the middle of a burst
// of jobs; every job prints exactly once.
func TestBrokerRestartMidBurst(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	s := newStation(t, b, "pack-1")
	s.start()
	d := dial(t, b, "dispatcher", "wms-burst", false)
	d.sub(topicsOf("pack-1").State())
	online(t, d, "pack-1")
	d.sub(topicsOf("pack-1").Jobs())

	const n = 200
	send := func(d *mqttClient, from, to int) (failed []int) {
		toks := make([]interface {
			WaitTimeout(time.Duration) bool
			Error() error
		}, 0, to-from)
		for i := from; i < to; i++ {
			payload := fmt.Sprintf(`{"idempotencyKey": "burst-%d", "raw": {"language": "zpl", "data": "^XA^FD%d^FS^XZ"}}`, i, i)
			toks = append(toks, d.c.Publish(topicsOf("pack-1").Print(), 1, false, payload))
		}
		for i, tok := range toks {
			if !tok.WaitTimeout(30*time.Second) || tok.Error() != nil {
				failed = append(failed, from+i)
			}
		}
		return failed
	}
	if failed := send(d, 0, n/2); len(failed) > 0 {
		t.Fatalf("publishes failed before the restart: %v", failed)
	}
	b.Restart()
	d2 := redial(t, b, "dispatcher", "wms-burst", false, d.msgs)
	for _, i := range send(d2, n/2, n) {
		t.Fatalf("publish %d failed after the restart", i)
	}
	seen := map[string]string{}
	for len(seen) < n {
		j := next(t, d2.msgs, fmt.Sprintf("job done (%d of %d so far)", len(seen), n), func(_ string, j printing.Job) bool {
			return strings.HasPrefix(j.IdempotencyKey, "burst-") && j.State == printing.JobDone
		})
		seen[j.IdempotencyKey] = j.ID
	}
	printed := s.printed()
	for key, id := range seen {
		if printed[id] != 1 {
			t.Fatalf("%s (job %s) printed %d times", key, id, printed[id])
		}
	}
	if len(printed) != n {
		t.Fatalf("%d jobs printed, want %d", len(printed), n)
	}
}

// TestFleetVerbs: `labelbridge fleet stations` lists the station with its
// printers from the retained state; `labelbridge fleet print` prints a raw
// file, a label and a document (a PNG made here) there and waits until
// done; a print request carrying a document, published on the station's
// print topic, prints as a bitmap label too.
func TestFleetVerbs(t *testing.T) {
	b := mqtttest.Start(t, mqtttest.Options{})
	s := newStation(t, b, "pack-7")
	s.start()
	d := dial(t, b, "dispatcher", "wms-verbs", true)
	d.sub(topicsOf("pack-7").State())
	online(t, d, "pack-7")

	cert := b.ClientCert("dispatcher")
	home := t.TempDir()
	run := func(args ...string) (string, int) {
		t.Helper()
		args = append(args, "--broker", b.URL(), "--ca-file", b.CAFile, "--cert-file", cert.CertFile, "--key-file", cert.KeyFile, "--timeout", "60s")
		cmd := exec.Command(binary, args...)
		cmd.Env = append(cmd.Environ(), "LABELBRIDGE_HOME="+home, "LABELBRIDGE_POLICY="+home+"/none.json")
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	out, code := run("fleet", "stations")
	if code != 0 || !strings.Contains(out, "pack-7") || !strings.Contains(out, "online") || !strings.Contains(out, "virtual ready") {
		t.Fatalf("fleet stations: exit %d\n%s", code, out)
	}
	raw := t.TempDir() + "/label.zpl"
	label := t.TempDir() + "/label.json"
	writeFile(t, raw, "^XA^FDfrom the CLI^FS^XZ")
	writeFile(t, label, `{"width": 50, "height": 30, "elements": [{"type": "text", "x": 2, "y": 2, "text": "상품 A", "size": 4}]}`)
	doc := t.TempDir() + "/label.png"
	writeFile(t, doc, string(tinyPNG(t, 240, 120)))
	for _, args := range [][]string{{"--raw", raw}, {"--label", label}, {"--document", doc, "--fit", "contain"}} {
		out, code = run(append([]string{"fleet", "print", "--station", "pack-7", "--wait"}, args...)...)
		if code != 0 || !strings.Contains(out, " done at pack-7 on virtual") {
			t.Fatalf("fleet print %v: exit %d\n%s", args, code, out)
		}
		if args[0] == "--document" {
			id := strings.Fields(out)[1] // "job ID done at …"
			s.checkBitmapLabel(id, 240)
		}
	}
	if p := s.printed(); len(p) != 3 {
		t.Fatalf("printed %v, want 3 jobs", p)
	}
	out, code = run("fleet", "print", "--station", "pack-7", "--document", raw)
	if code != 2 || !strings.Contains(out, "is not a PDF, PNG or JPEG file") {
		t.Fatalf("--document of a ZPL file: exit %d\n%s", code, out)
	}

	// A document published by a dispatcher (not the CLI) on the print topic.
	d.sub(topicsOf("pack-7").Jobs())
	d.pub(topicsOf("pack-7").Print(), map[string]any{"idempotencyKey": "doc-1", "title": "carrier label",
		"document": map[string]any{"format": "png", "base64": base64.StdEncoding.EncodeToString(tinyPNG(t, 240, 120))}})
	docJob := next(t, d.msgs, "doc-1 done", func(_ string, j printing.Job) bool {
		return j.IdempotencyKey == "doc-1" && j.State == printing.JobDone
	})
	s.checkBitmapLabel(docJob.ID, 240)
	if p := s.printed(); len(p) != 4 || p[docJob.ID] != 1 {
		t.Fatalf("printed %v, want 4 jobs, %s once", p, docJob.ID)
	}
	out, code = run("fleet", "print", "--station", "pack-7", "--raw", raw, "--printer", "nope")
	if code != 1 || !strings.Contains(out, "printer_not_found") {
		t.Fatalf("unknown printer: exit %d\n%s", code, out)
	}
	out, code = run("fleet", "print", "--station", "a/b", "--raw", raw)
	if code != 2 || !strings.Contains(out, "--station") {
		t.Fatalf("bad station: exit %d\n%s", code, out)
	}
}

// tinyPNG is a w×h white PNG with a black rectangle over its middle half.
func tinyPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.Gray{Y: 255}
			if x >= w/4 && x < w*3/4 && y >= h/4 && y < h*3/4 {
				c = color.Gray{}
			}
			img.SetGray(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkBitmapLabel checks the virtual printer got job id as a ZPL bitmap
// label w dots wide (a PNG with no resolution prints one pixel per dot).
func (e *stationEnv) checkBitmapLabel(id string, w int) {
	e.t.Helper()
	data, err := os.ReadFile(filepath.Join(e.home, "data", "virtual", id+".zpl"))
	if err != nil {
		e.t.Fatalf("job %s: %v", id, err)
	}
	if !bytes.Contains(data, []byte("^GFA,")) || !bytes.Contains(data, []byte(fmt.Sprintf("^PW%d", w))) {
		e.t.Fatalf("job %s: the virtual printer got %q, want a %d-dot ZPL bitmap label (^PW%d, ^GFA)", id, data[:min(len(data), 200)], w, w)
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}
