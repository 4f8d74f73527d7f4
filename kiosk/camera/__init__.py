"""Qt-free frame sources: cameras, video files, network streams and image folders, with reconnects."""
