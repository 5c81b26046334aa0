"""Language detection, sentence splitting and word tokens for Chinese and English."""
