import { IConstruct } from 'constructs';
import { IAspect, TerraformResource } from 'cdktf';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';

/** A resource of the aws provider with a `tags` argument. */
interface Taggable {
  tags: Record<string, string>;
  readonly tagsInput?: Record<string, string>;
}

function isTaggable(node: IConstruct): node is TerraformResource & Taggable {
  return node instanceof TerraformResource && 'tagsInput' in node;
}

/**
 * Puts the config's tags on every taggable resource of a stack, under the resource's own tags
 * (a bucket's tags win), the way aws-cdk-lib's `Tags.of(scope).add()` does. Not through the
 * provider's default tags: those reach S3 objects too, and an object takes at most 10 tags, so
 * the folder objects would fail with any larger tag set. The folder objects carry no tags.
 */
export class IcaTags implements IAspect {
  constructor(private readonly tags: Readonly<Record<string, string>>) {}

  visit(node: IConstruct): void {
    if (!isTaggable(node) || node instanceof S3Object || Object.keys(this.tags).length === 0) return;
    node.tags = { ...this.tags, ...(node.tagsInput ?? {}) };
  }
}
