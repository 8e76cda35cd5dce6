"""muranokit.tools: the command line, packaging, validation, catalog upload and image build."""
