// A Go test suite against reamaze-emulator, with the standard library only.
//
// TestMain starts the emulator once on a free port (--port 0; the port is read from its first line of output) with
// an in-memory database; the suite works in a tenant of its own, emptied before each test.
package recipe

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"testing"
)

var (
	emulatorURL string
	tenant      struct {
		AccountID int    `json:"account_id"`
		Login     string `json:"login"`
		Token     string `json:"token"`
		BaseURL   string `json:"base_url"`
	}
)

func TestMain(m *testing.M) {
	binary := os.Getenv("REAMAZE_EMULATOR_BIN")
	if binary == "" {
		binary = "reamaze-emulator"
	}
	cmd := exec.Command(binary, "--port", "0", "--database", ":memory:", "--log-level", "warning")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		panic(err)
	}
	if err := cmd.Start(); err != nil {
		panic(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n') // "reamaze-emulator listening on http://127.0.0.1:PORT"
	match := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(line)
	if match == nil {
		cmd.Process.Kill()
		panic("the emulator did not start: " + line)
	}
	emulatorURL = match[1]
	if status := call("POST", emulatorURL+"/__emulator/accounts", `{"name": "go test"}`, false, &tenant); status != 200 {
		panic(fmt.Sprintf("creating a tenant answered %d", status))
	}
	code := m.Run()
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	os.Exit(code)
}

// call sends one request (as the tenant's staff user when auth is set) and decodes the answer into out.
func call(method, url, body string, auth bool, out interface{}) int {
	request, _ := http.NewRequest(method, url, bytes.NewBufferString(body))
	request.Header.Set("Content-Type", "application/json")
	if auth {
		request.SetBasicAuth(tenant.Login, tenant.Token)
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		panic(err)
	}
	defer response.Body.Close()
	if out != nil {
		json.NewDecoder(response.Body).Decode(out)
	}
	return response.StatusCode
}

// fresh empties the tenant: every test starts with no contacts and no conversations.
func fresh(t *testing.T) {
	url := fmt.Sprintf("%s/__emulator/accounts/%d/reset", emulatorURL, tenant.AccountID)
	if status := call("POST", url, "", false, nil); status != 200 {
		t.Fatalf("reset answered %d", status)
	}
}

func TestCreateAndReadAContact(t *testing.T) {
	fresh(t)
	var contact map[string]interface{}
	body := `{"contact": {"name": "Bob Smith", "email": "bob@example.com"}}`
	if status := call("POST", tenant.BaseURL+"/contacts", body, true, &contact); status != 200 {
		t.Fatalf("POST /contacts answered %d", status)
	}
	var found map[string]interface{}
	call("GET", tenant.BaseURL+"/contacts/bob@example.com", "", true, &found)
	if found["name"] != "Bob Smith" {
		t.Fatalf("got %v", found)
	}
}

func TestEachTestStartsEmpty(t *testing.T) {
	fresh(t)
	var page struct {
		TotalCount int `json:"total_count"`
	}
	call("GET", tenant.BaseURL+"/contacts", "", true, &page)
	if page.TotalCount != 0 {
		t.Fatalf("%d contacts left from another test", page.TotalCount)
	}
}

func TestValidationErrorsAre422(t *testing.T) {
	fresh(t)
	var answer map[string]map[string][]string
	status := call("POST", tenant.BaseURL+"/contacts", `{"contact": {"email": "nope"}}`, true, &answer)
	if status != 422 || answer["errors"]["email"][0] != "is invalid" {
		t.Fatalf("got %d %v", status, answer)
	}
}
