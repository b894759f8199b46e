import time

from django.core.management.base import BaseCommand, CommandError

from core import backup_crypto
from core.backup import BackupError, create_backup, default_output_dir, describe


class Command(BaseCommand):
    help = (
        "备份本站：数据库（PostgreSQL 用 pg_dump，SQLite 用在线备份接口，运行中也一致）、媒体文件"
        "和清单 manifest.json，打包并用 BACKUP_KEY 加密为一个文件 county-site-年月日-时分秒.tar.enc"
        "（仅所有者可读写）。媒体文件在对象存储中时只备份数据库。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=None,
            help=f"备份文件夹（默认取环境变量 BACKUP_DIR，未设置时为 {default_output_dir()}）",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="备份完成后只保留文件夹中最新的 N 份本站备份，删除更早的",
        )
        parser.add_argument("--gzip", action="store_true", help="用 gzip 压缩（.tar.gz.enc）")
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="只生成一个新的备份密钥（BACKUP_KEY 的值）并输出，不做备份",
        )

    def handle(self, *args, output=None, keep=None, gzip=False, generate_key=False, **options):
        if generate_key:
            self.stdout.write(backup_crypto.generate_key())
            return
        started = time.perf_counter()
        try:
            path, manifest = create_backup(
                output, keep=keep, compress=gzip, log=lambda line: self.stdout.write(line)
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size / 1048576
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{path}（{size:.1f} MB，用时 {time.perf_counter() - started:.1f} 秒）。"
                f"{describe(manifest)}。"
            )
        )
