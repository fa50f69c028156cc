# kehoach — make demo: cài vào .venv rồi chạy trên kế hoạch mẫu; make test: chạy kiểm thử.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PLAN := config/plans/ba-dinh-2024.yaml

.PHONY: demo test install install-test bench templates lint clean web

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-web: $(VENV)/.installed
	$(BIN)/kehoach web config

test: $(VENV)/.installed-test

demo: $(VENV)/.installed
	$(BIN)/kehoach check $(PLAN)
	$(BIN)/kehoach build $(PLAN)
	$(BIN)/kehoach report config/stats/ba-dinh-2024.csv --meta config/stats/ba-dinh-2024-meta.yaml -o out/2024
	@echo
	@echo "Kết quả:"
	@echo "  out/2024/      Kế hoạch, công văn triển khai, báo cáo tháng 10 (.docx, .xlsx), manifest.json"
	@echo "  calendars/2024/ lịch .ics của từng đơn vị và tat-ca.ics"
	@echo
	@printf '%s\n' 'Để gõ lệnh kehoach trong cửa sổ này: . .venv/bin/activate  (Windows: .venv\Scripts\activate)'

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

# Every bench runs (a missed target does not stop the others); the run fails at the end if one
# was missed. Each prints its figures against its target, OK or VƯỢT.
bench: $(VENV)/.installed-bench
	@failed=""; for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "VƯỢT mục tiêu trong:$$failed"; exit 1; fi

templates: $(VENV)/.installed
	$(BIN)/python -m workflow.documents.builders templates

lint: $(VENV)/.installed-test
	$(BIN)/ruff check workflow tests bench

clean:
	rm -rf out $(VENV) .pytest_cache
